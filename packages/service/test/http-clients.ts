/** Raw HTTP clients over loopback for load and fault tests: clients that leave at chosen moments. */
import { request as httpRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';

/** How a client ends its request: it leaves during the upload, after the upload, or waits for the answer. */
export type ClientKind = 'abort-upload' | 'abort-after-upload' | 'complete';

/** What a client saw: the status (0 when it left before an answer) and the body text. */
export interface ClientResult {
  status: number;
  body: string;
}

/** The port `app` listens on (127.0.0.1). */
export function portOf(app: FastifyInstance): number {
  const address = app.server.address();
  if (!address || typeof address === 'string')
    throw new Error('Expected a listening TCP server but it is not listening');
  return address.port;
}

/**
 * Sends `POST /score` with `body` on a fresh connection. `abort-upload` sends the headers and half
 * the body, then destroys the socket; `abort-after-upload` sends all of it and destroys the socket
 * when `leave` aborts, else after `leaveAfterMs` (while the request is queued or scored: tests that
 * assert where it was when it left wait for that state on /healthz, then abort `leave`);
 * `complete` waits for the answer.
 */
export function postScore(
  port: number,
  body: Buffer,
  kind: ClientKind,
  opts: { type?: string; leaveAfterMs?: number; leave?: AbortSignal } = {},
): Promise<ClientResult> {
  return new Promise((resolve) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/score',
      agent: false,
      headers: { 'content-type': opts.type ?? 'image/png', 'content-length': body.length },
    });
    let settled = false;
    const settle = (r: ClientResult) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    req.on('error', () => settle({ status: 0, body: '' }));
    req.on('close', () => settle({ status: 0, body: '' }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => settle({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', () => settle({ status: res.statusCode ?? 0, body: '' }));
    });
    if (kind === 'abort-upload') {
      req.flushHeaders();
      req.write(body.subarray(0, Math.max(1, body.length >> 1)), () => setTimeout(() => req.destroy(), 5));
      return;
    }
    req.end(body);
    if (kind !== 'abort-after-upload') return;
    if (!opts.leave) {
      setTimeout(() => req.destroy(), opts.leaveAfterMs ?? 20);
      return;
    }
    if (opts.leave.aborted) req.destroy();
    else opts.leave.addEventListener('abort', () => req.destroy(), { once: true });
  });
}

/** `GET /healthz` body. */
export async function health(port: number): Promise<{ status: string; inFlight: number; [key: string]: unknown }> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  return (await res.json()) as { status: string; inFlight: number };
}

type Health = Awaited<ReturnType<typeof health>>;

/** Polls `/healthz` until `done(body)` holds or `withinMs` has passed; returns the last body seen. */
export async function healthWhen(port: number, done: (h: Health) => boolean, withinMs = 10_000): Promise<Health> {
  const end = Date.now() + withinMs;
  let seen = await health(port);
  while (!done(seen) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 25));
    seen = await health(port);
  }
  return seen;
}

/**
 * Polls `/healthz` until `inFlight` is 0; returns the last body seen. Scoring already running
 * cannot be stopped and keeps its slot until it ends (up to `withinMs`, however slow the machine);
 * a slot still held while nothing has been scoring or queued for `idleMs` is a leak, and ends the wait.
 */
export async function settledInFlight(port: number, opts: { withinMs: number; idleMs: number }): Promise<Health> {
  const end = Date.now() + opts.withinMs;
  let idleSince = Date.now();
  let seen = await health(port);
  while (seen.inFlight !== 0 && Date.now() < end) {
    if (seen.scoring !== 0 || seen.queued !== 0) idleSince = Date.now();
    else if (Date.now() - idleSince > opts.idleMs) break;
    await new Promise((r) => setTimeout(r, 25));
    seen = await health(port);
  }
  return seen;
}

/** A multipart/form-data body with one image file part, and its content type. */
export function multipartBody(bytes: Buffer, filename = 'image.png'): { body: Buffer; type: string } {
  const boundary = '----iqa-load-boundary';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="${filename}"\r\n` +
        'Content-Type: image/png\r\n\r\n',
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}
