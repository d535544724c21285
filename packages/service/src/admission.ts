/**
 * Admission control for the scoring service: at most `maxAdmitted` requests hold a slot, and of
 * those at most `maxRunning` run their scoring at once; the others wait in a FIFO queue. A slot is
 * freed exactly once, when its request has ended (answered, or its client gone) and no work of it
 * is still running, so admitted work never outgrows the limit. Queued work whose signal aborts
 * (client gone, timeout) leaves the queue without running.
 */

/** One admitted request's hold on a slot. */
export interface Ticket {
  /**
   * Runs `work` once a running slot is free. Rejects with `signal.reason`, without running `work`,
   * when `signal` aborts first (or already has); otherwise settles as `work` does.
   */
  run<T>(work: () => Promise<T>, signal: AbortSignal): Promise<T>;
  /** Ends the request's hold (idempotent); the slot is freed once no work of this ticket is queued or runs. */
  release(): void;
}

/** Counts for health reports and tests. */
export interface AdmissionCounts {
  /** Slots held: admitted requests not yet ended, or ended with work still queued or running. */
  admitted: number;
  /** Work running now. */
  running: number;
  /** Work waiting for a running slot. */
  queued: number;
}

export interface AdmissionOptions {
  /** Most slots held at once (`tryAdmit` returns `undefined` beyond). */
  maxAdmitted: number;
  /** Most `run` calls executing at once. */
  maxRunning: number;
}

interface Waiter {
  start: () => void;
}

function checkLimit(name: string, value: unknown): void {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new RangeError(`Expected a positive integer for ${name} but received ${JSON.stringify(value)}`);
  }
}

/**
 * Creates an admission controller.
 *
 * @example
 * const admission = createAdmission({ maxAdmitted: 16, maxRunning: 2 });
 * const ticket = admission.tryAdmit();
 * if (!ticket) return busy();
 * res.once('close', () => ticket.release());
 * const score = await ticket.run(() => scorer.score(bytes), signal);
 */
export function createAdmission(options: AdmissionOptions): {
  tryAdmit(): Ticket | undefined;
  counts(): AdmissionCounts;
} {
  checkLimit('maxAdmitted', options.maxAdmitted);
  checkLimit('maxRunning', options.maxRunning);
  let admitted = 0;
  let running = 0;
  const queue = new Set<Waiter>(); // insertion order: FIFO

  const next = () => {
    for (const waiter of queue) {
      if (running >= options.maxRunning) return;
      queue.delete(waiter);
      waiter.start();
    }
  };

  const tryAdmit = (): Ticket | undefined => {
    if (admitted >= options.maxAdmitted) return undefined;
    admitted++;
    let ended = false;
    let freed = false;
    let working = 0;
    const freeIfIdle = () => {
      if (ended && working === 0 && !freed) {
        freed = true;
        admitted--;
      }
    };

    const run = <T>(work: () => Promise<T>, signal: AbortSignal): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason);
        if (freed)
          return reject(new RangeError('Expected run() on a ticket that holds its slot but it was already freed'));
        working++; // queued work holds the slot too
        const waiter: Waiter = {
          start: () => {
            signal.removeEventListener('abort', onAbort);
            running++;
            let settled: Promise<T>;
            try {
              settled = work();
            } catch (err) {
              settled = Promise.reject(err);
            }
            // Free the running slot before the caller sees the result, so counts are exact then.
            const done = () => {
              running--;
              working--;
              freeIfIdle();
              next();
            };
            settled.then(
              (value) => {
                done();
                resolve(value);
              },
              (err: unknown) => {
                done();
                reject(err);
              },
            );
          },
        };
        const onAbort = () => {
          if (!queue.delete(waiter)) return;
          working--;
          reject(signal.reason);
          freeIfIdle();
        };
        if (running < options.maxRunning && queue.size === 0) return waiter.start();
        signal.addEventListener('abort', onAbort, { once: true });
        queue.add(waiter);
      });

    return {
      run,
      release: () => {
        ended = true;
        freeIfIdle();
      },
    };
  };

  return { tryAdmit, counts: () => ({ admitted, running, queued: queue.size }) };
}
