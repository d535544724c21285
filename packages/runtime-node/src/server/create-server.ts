import multipart from '@fastify/multipart';
import { IqaError, type ScoreOutcome, toIqaError } from '@iqa-zoo/core';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { listZooCards } from '../model/zoo.js';
import type { NodeScorer } from '../scorer/create-scorer.js';
import { toHttpError } from './http-errors.js';
import { openApiDocument } from './openapi.js';

export interface ServerOptions {
  /** The scorer that serves every request (the server does not dispose it). */
  scorer: NodeScorer;
  /** Largest image (raw body or multipart part), in bytes. Default 20 MiB. */
  bodyLimit?: number;
  /** Most images in one multipart request. Default 16. */
  maxFiles?: number;
  /** `POST /score` requests handled at once; more get 503 right away. Default 16. */
  maxConcurrent?: number;
  /** A request that is not answered within this many ms gets 503. Default 30 000. */
  requestTimeoutMs?: number;
  /** Fastify logger (default off). */
  logger?: boolean;
}

/**
 * Rejects with a 503 `TIMEOUT` when `work` takes longer than `ms`. (Fastify's own `handlerTimeout`
 * is cleared when a POST body has been read, so it cannot bound scoring.) The work itself cannot be
 * cancelled; its slot in the concurrency limit is freed when the response is sent.
 */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`Expected scoring to finish within ${ms} ms but it did not; retry later`), { code: 'TIMEOUT', statusCode: 503 })),
      ms,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads up to `maxFiles` file parts of a multipart request into buffers. */
async function readParts(req: FastifyRequest, maxFiles: number): Promise<Array<{ name: string; bytes: Buffer }>> {
  const files: Array<{ name: string; bytes: Buffer }> = [];
  for await (const part of req.parts()) {
    if (part.type !== 'file') continue;
    if (files.length >= maxFiles) {
      throw Object.assign(new Error(`Expected at most ${maxFiles} images per request but received more`), { statusCode: 413, code: 'TOO_MANY_FILES' });
    }
    files.push({ name: part.filename || part.fieldname, bytes: await part.toBuffer() });
  }
  return files;
}

function toResult(outcome: ScoreOutcome, name?: string) {
  const named = name ? { name } : {};
  return outcome.error
    ? { ...named, error: { code: outcome.error.code, message: outcome.error.message } }
    : { ...named, score: outcome.score };
}

/**
 * Builds the scoring service (not yet listening): `POST /score`, `GET /healthz`, `GET /models`,
 * `GET /openapi.json`, with a body limit (413), a concurrency limit (503 when saturated) and a
 * request timeout. Images arrive as bytes only: no file-system path is ever read for a client.
 *
 * @example
 * const app = await createServer({ scorer: await createScorer() });
 * await app.listen({ port: 8080, host: '127.0.0.1' });
 */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const { scorer } = options;
  const bodyLimit = options.bodyLimit ?? 20 * 1024 * 1024;
  const maxFiles = options.maxFiles ?? 16;
  const maxConcurrent = options.maxConcurrent ?? 16;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    requestTimeout: 60_000,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  let inFlight = 0;
  let closing = false;
  const counted = new WeakSet<FastifyRequest>();
  // On close: refuse new work and end kept-alive connections after their current response,
  // so `close()` returns as soon as in-flight requests are answered.
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_req, reply) => {
    if (closing) void reply.header('connection', 'close');
  });

  // Only bytes are accepted: no JSON (and so no file paths) reaches the handler.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
  await app.register(multipart, { limits: { fileSize: bodyLimit, files: maxFiles + 1, fields: 16, parts: maxFiles + 16 } });

  app.setErrorHandler((err, req, reply) => {
    const { status, body } = toHttpError(err);
    if (status >= 500) req.log.error(err);
    if (status === 503) void reply.header('retry-after', '1');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({ error: { code: 'NOT_FOUND', message: `Expected one of POST /score, GET /healthz, GET /models, GET /openapi.json but received ${req.method} ${req.url}` } }),
  );

  const release = (req: FastifyRequest) => {
    if (counted.delete(req)) inFlight--;
  };

  app.post(
    '/score',
    {
      onRequest: async (req: FastifyRequest, reply: FastifyReply) => {
        if (inFlight >= maxConcurrent) {
          return reply
            .status(503)
            .header('retry-after', '1')
            .send({ error: { code: 'BUSY', message: `Expected at most ${maxConcurrent} requests in flight; retry later` } });
        }
        inFlight++;
        counted.add(req);
      },
      onResponse: async (req: FastifyRequest) => release(req),
      onRequestAbort: async (req: FastifyRequest) => release(req),
    },
    async (req, reply) => {
      const { status, payload } = await withTimeout(scoreRequest(req), timeoutMs);
      return reply.status(status).send(payload);
    },
  );

  /** Scores the body; resolves with the response so nothing is sent after a timeout answered. */
  const scoreRequest = async (req: FastifyRequest): Promise<{ status: number; payload: unknown }> => {
    if (req.isMultipart()) {
      const parts = await readParts(req, maxFiles);
      if (parts.length === 0) throw new IqaError('INVALID_ARGUMENT', 'Expected at least one image file part in the multipart body but received none');
      const outcomes = await scorer.scoreBatch(parts.map((p) => p.bytes));
      const results = outcomes.map((o, i) => toResult(o, parts[i]!.name));
      const allFailed = outcomes.every((o) => o.error);
      return { status: allFailed ? toHttpError(outcomes[0]!.error).status : 200, payload: { model: scorer.card.id, results } };
    }
    const body = req.body as Buffer | undefined;
    if (!body || body.length === 0) throw new IqaError('INVALID_ARGUMENT', 'Expected image bytes in the request body but it is empty');
    try {
      const score = await scorer.score(body);
      return { status: 200, payload: { model: scorer.card.id, results: [{ score }] } };
    } catch (err) {
      const error = toIqaError(err, 'request body');
      const { status } = toHttpError(error);
      if (status >= 500) req.log.error(err);
      return { status, payload: { model: scorer.card.id, results: [toResult({ error })] } };
    }
  };

  app.get('/healthz', async (_req, reply) => {
    const body = { status: closing ? 'shutting-down' : 'ok', model: scorer.card.id, device: scorer.device, inFlight };
    return reply.status(closing ? 503 : 200).send(body);
  });

  app.get('/models', async () => {
    const loaded = scorer.card;
    const summary = (c: typeof loaded, isDefault?: boolean) => ({
      id: c.id,
      version: c.version,
      description: c.description,
      backbone: c.architecture.backbone,
      protocol: c.input.protocol,
      output: { range: c.output.range, higherIsBetter: c.output.higherIsBetter },
      metrics: c.metrics,
      ...(isDefault === undefined ? {} : { default: isDefault }),
    });
    const zoo = await listZooCards().catch(() => []);
    return { loaded: loaded.id, models: zoo.length > 0 ? zoo.map((z) => summary(z.card, z.isDefault)) : [summary(loaded)] };
  });

  const doc = openApiDocument({ bodyLimit, maxFiles });
  app.get('/openapi.json', async () => doc);
  return app;
}
