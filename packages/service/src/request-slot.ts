/**
 * Ties an admission ticket to one HTTP exchange: the ticket is released when the exchange ends,
 * however it ends (response sent, client gone during the upload or the scoring, connection
 * destroyed at shutdown), and the request's signal aborts when its client leaves before the answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ServiceError } from './http-errors.js';
import type { Ticket } from './admission.js';

/** An admitted request's slot: run its scoring with `run`, give up on it with `abort`. */
export interface RequestSlot {
  /** Aborts when the client leaves before its answer is sent, or on `abort(reason)`. */
  readonly signal: AbortSignal;
  /** Runs `work` in a running slot unless the request is given up first (see `Ticket.run`). */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Gives up on the request (a timeout): queued work is dropped; running work keeps the slot until it ends. */
  abort(reason: ServiceError): void;
}

/**
 * Binds `ticket` to the exchange of `req` and `res`. Listens to the response's and the socket's
 * `close` (the socket covers a response that never got it, e.g. a pipelined one); either releases
 * the ticket, once. A connection already gone releases it at once.
 *
 * @example
 * const slot = bindSlot(ticket, req.raw, reply.raw);
 * const score = await slot.run(() => scorer.score(bytes));
 */
export function bindSlot(ticket: Ticket, req: IncomingMessage, res: ServerResponse): RequestSlot {
  const controller = new AbortController();
  const socket = req.socket;
  const end = () => {
    res.off('close', end);
    socket?.off('close', end);
    if (!res.writableFinished && !controller.signal.aborted) {
      controller.abort(
        new ServiceError(
          'CLIENT_CLOSED',
          499,
          'Expected the client to wait for its answer but it closed the connection',
        ),
      );
    }
    ticket.release();
  };
  res.on('close', end);
  socket?.on('close', end);
  if (res.destroyed || !socket || socket.destroyed) end();
  return {
    signal: controller.signal,
    run: (work) => ticket.run(work, controller.signal),
    abort: (reason) => {
      if (!controller.signal.aborted) controller.abort(reason);
    },
  };
}

/** Settles as `work` does, or rejects with `signal.reason` as soon as `signal` aborts. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
