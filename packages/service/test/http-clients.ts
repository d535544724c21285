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
  if (!address || typeof address === 'string') throw new Error('Expected a listening TCP server but it is not listening');
  return address.port;
}

/**
 * Sends `POST /score` with `body` on a fresh connection. `abort-upload` sends the headers and half
 * the body, then destroys the socket; `abort-after-upload` sends all of it and destroys the socket
 * after `leaveAfterMs` (while the request is queued or scored); `complete` waits for the answer.
 */
export function postScore(port: number, body: Buffer, kind: ClientKind, opts: { type?: string; leaveAfterMs?: number } = {}): Promise<ClientResult> {
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
    if (kind === 'abort-after-upload') setTimeout(() => req.destroy(), opts.leaveAfterMs ?? 20);
  });
}

/** `GET /healthz` body. */
export async function health(port: number): Promise<{ status: string; inFlight: number; [key: string]: unknown }> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  return (await res.json()) as { status: string; inFlight: number };
}

/** Polls `/healthz` until `inFlight` is 0 or `withinMs` has passed; returns the last value seen. */
export async function settledInFlight(port: number, withinMs: number): Promise<number> {
  const end = Date.now() + withinMs;
  let seen = (await health(port)).inFlight;
  while (seen !== 0 && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 25));
    seen = (await health(port)).inFlight;
  }
  return seen;
}

/** A multipart/form-data body with one image file part, and its content type. */
export function multipartBody(bytes: Buffer, filename = 'image.png'): { body: Buffer; type: string } {
  const boundary = '----iqa-load-boundary';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="${filename}"\r\nContent-Type: image/png\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}
