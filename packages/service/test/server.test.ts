/** @jest-environment ./packages/runtime-node/test/helpers/ort-environment.cjs */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type NodeScorer, createScorer } from '@iqa-zoo/runtime-node';
import { createServer } from '@iqa-zoo/service';
import type { ErrorBody } from '../src/http-errors.js';
import { serveCommand } from '@iqa-zoo/cli';
import { memoryIo } from '../../runtime-node/test/helpers/cli-io.js';
import { healthWhen, portOf, postScore } from './http-clients.js';
import { hugeHeaderPng, solid, tinyScore } from '../../runtime-node/test/helpers/images.js';
import { createTinyModel, writeTinyModelDir } from '../../runtime-node/test/helpers/tiny-model.js';

const dir = mkdtempSync(join(tmpdir(), 'iqa-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const modelDir = writeTinyModelDir(join(dir, 'tiny'), createTinyModel());
const orange = { r: 255, g: 128, b: 0 };

function multipart(parts: Array<{ name: string; bytes: Buffer; type?: string }>): {
  payload: Buffer;
  headers: Record<string, string>;
} {
  const boundary = '----iqa-test-boundary';
  const chunks = parts.flatMap((p, i) => [
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="image${i}"; filename="${p.name}"\r\n` +
        `Content-Type: ${p.type ?? 'image/png'}\r\n\r\n`,
    ),
    p.bytes,
    Buffer.from('\r\n'),
  ]);
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/**
 * What a test opened, closed after it even when an assertion failed: gates are opened first (so
 * held requests end), then leaving clients leave, then servers close.
 */
const opened = {
  gates: [] as Array<() => void>,
  clients: [] as AbortController[],
  servers: [] as FastifyInstance[],
  stops: [] as AbortController[],
};
afterEach(async () => {
  for (const release of opened.gates.splice(0)) release();
  for (const client of opened.clients.splice(0)) client.abort();
  for (const stop of opened.stops.splice(0)) stop.abort();
  await Promise.all(opened.servers.splice(0).map((server) => closeWithin(server, 5000)));
});

/** Closes `server`; connections still open after `ms` (a request that never ends) are destroyed. */
async function closeWithin(server: FastifyInstance, ms: number): Promise<void> {
  const force = setTimeout(() => server.server.closeAllConnections(), ms);
  try {
    await server.close();
  } finally {
    clearTimeout(force);
  }
}

/**
 * A scorer whose scores wait until `release()` (for concurrency, timeout and shutdown tests);
 * `calls` counts `score` calls.
 */
function gatedScorer(real: NodeScorer): NodeScorer & { release: () => void; calls: number } {
  let open: () => void = () => {};
  let gate = new Promise<void>((r) => (open = r));
  opened.gates.push(() => open());
  return {
    ...real,
    calls: 0,
    async score(input) {
      this.calls++;
      await gate;
      return real.score(input);
    },
    release: () => {
      open();
      gate = Promise.resolve();
    },
  };
}

/** `POST /score`'s answer: one result per image, a score or the image's error. */
interface ScoreBody {
  model: string;
  results: Array<{ name?: string; score?: number; error?: ErrorBody['error'] }>;
}

interface Res {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, as the body of the route it answers (`POST /score`'s unless said). */
  json: <T = ScoreBody>() => T;
}

/** Real HTTP over loopback (fastify's inject needs require(esm), which jest on Node 20 lacks). */
async function request(
  app: FastifyInstance,
  opts: { method: string; url: string; payload?: Uint8Array; headers?: Record<string, string> },
): Promise<Res> {
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server is not listening');
  const res = await fetch(`http://127.0.0.1:${address.port}${opts.url}`, {
    method: opts.method,
    body: opts.payload && new Uint8Array(opts.payload),
    headers: opts.headers,
  });
  const body = await res.text();
  return { statusCode: res.status, headers: Object.fromEntries(res.headers), body, json: () => JSON.parse(body) };
}

/** `POST /score` with the small PNG as a raw body. */
function postPng(server: FastifyInstance): Promise<Res> {
  return request(server, {
    method: 'POST',
    url: '/score',
    payload: pngCache!,
    headers: { 'content-type': 'image/png' },
  });
}

async function start(app: FastifyInstance): Promise<FastifyInstance> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
}

/** A server for one test, closed after it (see `opened`). */
async function startForTest(app: FastifyInstance): Promise<FastifyInstance> {
  opened.servers.push(app);
  return start(app);
}

let scorer: NodeScorer;
let app: FastifyInstance;
beforeAll(async () => {
  scorer = await createScorer(modelDir, { device: 'cpu', maxPixels: 10_000_000 });
  app = await start(await createServer({ scorer, bodyLimit: 64 * 1024, maxFiles: 4 }));
});
afterAll(async () => {
  await app?.close();
  await scorer?.dispose();
});

test('POST /score with a raw image body', async () => {
  const res = await request(app, {
    method: 'POST',
    url: '/score',
    payload: await solid(50, 40, orange),
    headers: { 'content-type': 'image/png' },
  });
  expect(res.statusCode).toBe(200);
  const body = res.json();
  expect(body.model).toBe('tiny-test');
  expect(body.results).toHaveLength(1);
  expect(body.results[0].score).toBeCloseTo(tinyScore(orange), 3);
});

test('POST /score multipart with several images, one of them bad', async () => {
  const { payload, headers } = multipart([
    { name: 'a.png', bytes: await solid(30, 30, orange) },
    { name: 'notes.txt', bytes: Buffer.from('hello'), type: 'text/plain' },
    { name: 'b.png', bytes: await solid(30, 30, { r: 0, g: 0, b: 255 }) },
  ]);
  const res = await request(app, { method: 'POST', url: '/score', payload, headers });
  expect(res.statusCode).toBe(200);
  const { results } = res.json();
  expect(results.map((r) => r.name)).toEqual(['a.png', 'notes.txt', 'b.png']);
  expect(results[0].score).toBeCloseTo(tinyScore(orange), 3);
  expect(results[1].error?.code).toBe('UNSUPPORTED_IMAGE');
  expect(results[2].score).toBeCloseTo(tinyScore({ r: 0, g: 0, b: 255 }), 3);
});

test.each([
  ['a non-image body', () => Buffer.from('plain text, not an image'), 'text/plain', 415, 'UNSUPPORTED_IMAGE'],
  [
    'a JSON body naming a server file (paths are never read)',
    () => Buffer.from(JSON.stringify({ path: '/etc/passwd' })),
    'application/json',
    415,
    'UNSUPPORTED_IMAGE',
  ],
  ['a truncated PNG', async () => (await solid(60, 60, orange)).subarray(0, 60), 'image/png', 422, 'INVALID_IMAGE'],
  ['a decompression bomb header', () => hugeHeaderPng(100_000, 100_000), 'image/png', 413, 'IMAGE_TOO_LARGE'],
  ['an empty body', () => Buffer.alloc(0), 'image/png', 400, 'INVALID_ARGUMENT'],
  ['a body over the limit', () => Buffer.alloc(100 * 1024, 1), 'image/png', 413, 'FST_ERR_CTP_BODY_TOO_LARGE'],
])('%s is a 4xx with a JSON error, and the service keeps serving', async (_name, make, type, status, code) => {
  const res = await request(app, {
    method: 'POST',
    url: '/score',
    payload: await make(),
    headers: { 'content-type': type },
  });
  expect(res.statusCode).toBe(status);
  const body = res.json<Partial<ScoreBody & ErrorBody>>();
  expect(body.results?.[0]?.error?.code ?? body.error?.code).toBe(code);
  expect(res.body).not.toContain('/etc/passwd:');
  const ok = await request(app, {
    method: 'POST',
    url: '/score',
    payload: await solid(20, 20, orange),
    headers: { 'content-type': 'image/png' },
  });
  expect(ok.statusCode).toBe(200);
});

test('multipart: an oversized part and too many parts are 413', async () => {
  const big = multipart([{ name: 'big.png', bytes: Buffer.alloc(100 * 1024, 1) }]);
  expect((await request(app, { method: 'POST', url: '/score', ...big })).statusCode).toBe(413);
  const small = await solid(10, 10, orange);
  const many = multipart(Array.from({ length: 5 }, (_, i) => ({ name: `${i}.png`, bytes: small })));
  expect((await request(app, { method: 'POST', url: '/score', ...many })).statusCode).toBe(413);
});

test('concurrent requests each get their own correct score', async () => {
  const colours = Array.from({ length: 12 }, (_, i) => ({ r: (i * 20) % 256, g: 255 - i * 10, b: (i * 37) % 256 }));
  const responses = await Promise.all(
    colours.map(async (c) =>
      request(app, {
        method: 'POST',
        url: '/score',
        payload: await solid(40, 40, c),
        headers: { 'content-type': 'image/png' },
      }),
    ),
  );
  responses.forEach((res, i) => {
    expect(res.statusCode).toBe(200);
    expect(res.json().results[0].score).toBeCloseTo(tinyScore(colours[i]!), 3);
  });
});

test('a saturated concurrency limit answers 503 with Retry-After, then recovers', async () => {
  const gated = gatedScorer(scorer);
  const small = await startForTest(await createServer({ scorer: gated, maxConcurrent: 2 }));
  const send = () => postPng(small);
  const first = [send(), send()];
  expect(await healthWhen(portOf(small), (h) => h.inFlight === 2)).toMatchObject({ inFlight: 2 });
  const rejected = await send();
  expect(rejected.statusCode).toBe(503);
  expect(rejected.headers['retry-after']).toBe('1');
  expect(rejected.json<ErrorBody>().error.code).toBe('BUSY');
  expect((await request(small, { method: 'GET', url: '/healthz' })).json<{ inFlight: number }>().inFlight).toBe(2);
  gated.release();
  for (const res of await Promise.all(first)) expect(res.statusCode).toBe(200);
  expect((await send()).statusCode).toBe(200);
});

test('a request that takes longer than the timeout is 503', async () => {
  const gated = gatedScorer(scorer);
  const slow = await startForTest(await createServer({ scorer: gated, requestTimeoutMs: 100 }));
  const res = await postPng(slow);
  expect(res.statusCode).toBe(503);
  expect(res.json<ErrorBody>().error.code).toBe('TIMEOUT');
});

test('requests whose clients leave while queued are never scored, and free their slots', async () => {
  const gated = gatedScorer(scorer);
  const server = await startForTest(await createServer({ scorer: gated, maxConcurrent: 4, maxScoring: 1 }));
  const port = portOf(server);
  const kept = postPng(server);
  expect(await healthWhen(port, (h) => h.scoring === 1)).toMatchObject({ inFlight: 1, scoring: 1 });
  // The clients leave once the server reports them queued (not after a fixed delay, which a slow machine outlasts).
  const leave = new AbortController();
  opened.clients.push(leave);
  const leavers = Array.from({ length: 3 }, () =>
    postScore(port, pngCache!, 'abort-after-upload', { leave: leave.signal }),
  );
  expect(await healthWhen(port, (h) => h.queued === 3)).toMatchObject({ inFlight: 4, scoring: 1, queued: 3 });
  leave.abort();
  expect((await Promise.all(leavers)).map((r) => r.status)).toEqual([0, 0, 0]);
  expect(await healthWhen(port, (h) => h.inFlight === 1)).toMatchObject({ inFlight: 1, scoring: 1, queued: 0 });
  gated.release();
  expect((await kept).statusCode).toBe(200);
  expect(await healthWhen(port, (h) => h.inFlight === 0)).toMatchObject({ inFlight: 0, scoring: 0, queued: 0 });
  expect(gated.calls).toBe(1);
});

test('a timeout drops queued work, and running work keeps its slot until it ends', async () => {
  // Scores at once when the gate opens (no decode, no model run), so the last request's 200 does not
  // race the 150 ms timeout: a real score of even the tiny model took up to 2.5 s on the loaded 2-core machine.
  const gated = gatedScorer({ ...scorer, score: async () => 0.5 });
  const server = await startForTest(
    await createServer({ scorer: gated, maxConcurrent: 4, maxScoring: 1, requestTimeoutMs: 150 }),
  );
  const send = () => postPng(server);
  const answers = await Promise.all([send(), send(), send()]);
  for (const res of answers) {
    expect(res.statusCode).toBe(503);
    expect(res.json<ErrorBody>().error.code).toBe('TIMEOUT');
    expect(res.headers['retry-after']).toBe('1');
  }
  // A 503 is sent before its response's 'close' frees the slot: wait for that, not a moment after.
  expect(await healthWhen(portOf(server), (h) => h.inFlight === 1)).toMatchObject({
    inFlight: 1,
    scoring: 1,
    queued: 0,
  });
  gated.release();
  expect(await healthWhen(portOf(server), (h) => h.inFlight === 0)).toMatchObject({ inFlight: 0, scoring: 0 });
  expect(gated.calls).toBe(1);
  const next = await send();
  expect(next.statusCode).toBe(200);
  expect(next.json().results[0].score).toBe(0.5);
});

test('GET /healthz, /models, /openapi.json and 404', async () => {
  expect((await request(app, { method: 'GET', url: '/healthz' })).json<unknown>()).toEqual({
    status: 'ok',
    model: 'tiny-test',
    device: 'cpu',
    inFlight: 0,
    scoring: 0,
    queued: 0,
    // the app above: bodyLimit 64 KiB, maxFiles 4
    limits: { maxConcurrent: 16, maxScoring: 2, requestTimeoutMs: 30_000, bodyLimit: 65536, maxFiles: 4 },
  });
  const models = (await request(app, { method: 'GET', url: '/models' })).json<{ loaded: string; models: unknown[] }>();
  expect(models.loaded).toBe('tiny-test');
  expect(models.models.length).toBeGreaterThan(0);
  const doc = (await request(app, { method: 'GET', url: '/openapi.json' })).json<{ openapi: string; paths: object }>();
  expect(doc.openapi).toBe('3.1.0');
  expect(Object.keys(doc.paths)).toEqual(['/score', '/healthz', '/models', '/openapi.json']);
  const missing = await request(app, { method: 'GET', url: '/etc/passwd' });
  expect(missing.statusCode).toBe(404);
  expect(missing.json<ErrorBody>().error.code).toBe('NOT_FOUND');
});

test('graceful shutdown: in-flight requests finish, new ones are refused', async () => {
  const gated = gatedScorer(scorer);
  const server = await startForTest(await createServer({ scorer: gated }));
  const port = portOf(server);
  const inFlight = postPng(server);
  expect(await healthWhen(port, (h) => h.scoring === 1)).toMatchObject({ inFlight: 1, scoring: 1 });
  const closed = server.close();
  // Closing starts at once but not synchronously: poll until a new request is no longer served (bounded).
  const lateStatus = () =>
    fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.status,
      () => 'refused' as const,
    );
  let late = await lateStatus();
  for (const end = Date.now() + 10_000; late === 200 && Date.now() < end; late = await lateStatus())
    await new Promise((r) => setTimeout(r, 10));
  expect([503, 'refused']).toContain(late);
  gated.release();
  const res = await inFlight;
  expect(res.statusCode).toBe(200);
  expect(res.json().results[0].score).toBeCloseTo(tinyScore(orange), 3);
  await closed;
});

/** The URL `iqa serve` prints once it listens (it loads its model first: up to 30 s on a loaded machine). */
async function listeningUrl(io: ReturnType<typeof memoryIo>): Promise<string> {
  for (const end = Date.now() + 30_000; !io.err().includes('listening on') && Date.now() < end; )
    await new Promise((r) => setTimeout(r, 20));
  const url = /listening on (\S+)/.exec(io.err())?.[1];
  if (!url) throw new Error(`Expected iqa serve to print "listening on URL" within 30 s but it printed: ${io.err()}`);
  return url;
}

test('iqa serve listens, serves and exits 0 when stopped', async () => {
  const io = memoryIo();
  const stop = new AbortController();
  opened.stops.push(stop);
  const done = serveCommand(['--port', '0', '--model', modelDir, '--device', 'cpu'], io, stop.signal);
  const url = await listeningUrl(io);
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await fetch(`${url}/score`, {
    method: 'POST',
    body: new Uint8Array(pngCache!),
    headers: { 'content-type': 'image/png' },
  });
  expect(res.status).toBe(200);
  stop.abort();
  expect(await done).toBe(0);
  expect(io.err()).toContain('shutting down');
  await expect(fetch(`${url}/healthz`)).rejects.toThrow();
});

test("iqa serve's limit flags reach the service (its /healthz limits)", async () => {
  const io = memoryIo();
  const stop = new AbortController();
  const argv = [
    '--max-concurrent',
    '3',
    '--max-scoring',
    '1',
    '--timeout-ms',
    '5000',
    '--body-limit-mb',
    '2',
    '--max-files',
    '4',
  ];
  opened.stops.push(stop);
  const done = serveCommand(['--port', '0', '--model', modelDir, '--device', 'cpu', ...argv], io, stop.signal);
  const url = await listeningUrl(io);
  const body = (await (await fetch(`${url}/healthz`)).json()) as { limits: unknown };
  expect(body.limits).toEqual({
    maxConcurrent: 3,
    maxScoring: 1,
    requestTimeoutMs: 5000,
    bodyLimit: 2 * 1024 * 1024,
    maxFiles: 4,
  });
  stop.abort();
  expect(await done).toBe(0);
  const bad = memoryIo();
  await expect(serveCommand(['--max-scoring', '0'], bad)).rejects.toThrow(
    'Expected an integer >= 1 for --max-scoring but received "0"',
  );
});

let pngCache: Buffer | undefined;
beforeAll(async () => {
  pngCache = await solid(30, 30, orange);
});
