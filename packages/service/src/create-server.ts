import multipart from '@fastify/multipart';
import { IqaError, type ScoreOutcome, toIqaError } from '@iqa-zoo/core';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { DEFAULT_BATCHING, type NodeScorer, listZooCards } from '@iqa-zoo/runtime-node';
import { createAdmission } from './admission.js';
import { ServiceError, toHttpError } from './http-errors.js';
import { openApiDocument } from './openapi.js';
import { type RequestSlot, bindSlot, untilAborted } from './request-slot.js';

/** Options of the scoring plugin (`scoringPlugin`), which `createServer` registers. */
export interface ScoringOptions {
  /** The scorer that serves every request (the plugin does not dispose it). */
  scorer: NodeScorer;
  /** Largest image (raw body or multipart part), in bytes. Default 20 MiB. */
  bodyLimit?: number;
  /** Most images in one multipart request. Default 16. */
  maxFiles?: number;
  /** `POST /score` requests admitted at once (uploading, queued or scoring); more get 503 right away. Default 16. */
  maxConcurrent?: number;
  /**
   * Admitted requests scored at once; the others wait in a queue, and leave it unscored when their
   * client goes away or their timeout passes. Default 2 on CPU (one `session.run` at a time, the
   * next image decoded meanwhile), the batcher's `maxBatch` on CUDA.
   */
  maxScoring?: number;
  /**
   * A request not answered within this many ms of its handler starting (a raw body is read before,
   * a multipart body within) gets 503 `TIMEOUT`; queued work is then dropped, and running work
   * keeps its slot until it ends. Default 30 000.
   */
  requestTimeoutMs?: number;
}

/** Options of `createServer`: the plugin's, and the server's logger. */
export interface ServerOptions extends ScoringOptions {
  /** Fastify logger (default off). */
  logger?: boolean;
}

const DEFAULT_BODY_LIMIT = 20 * 1024 * 1024;

/** Reads up to `maxFiles` file parts of a multipart request into buffers. */
async function readParts(req: FastifyRequest, maxFiles: number): Promise<Array<{ name: string; bytes: Buffer }>> {
  const files: Array<{ name: string; bytes: Buffer }> = [];
  for await (const part of req.parts()) {
    if (part.type !== 'file') continue;
    if (files.length >= maxFiles) {
      throw Object.assign(new Error(`Expected at most ${maxFiles} images per request but received more`), {
        statusCode: 413,
        code: 'TOO_MANY_FILES',
      });
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
 * The scoring service as a Fastify plugin for your own app: `POST /score`, `GET /healthz`,
 * `GET /models`, `GET /openapi.json` under the prefix you register it with, with a body limit
 * (413), a concurrency limit (503 when saturated) and a request timeout. Images arrive as bytes
 * only: no file-system path is ever read for a client. It is encapsulated: its content-type
 * parsers and error handlers apply to its own routes only.
 *
 * @example
 * const app = Fastify();
 * await app.register(scoringPlugin, { scorer: await createScorer(), prefix: '/iqa' });
 * await app.listen({ port: 8080 }); // POST /iqa/score
 */
export async function scoringPlugin(app: FastifyInstance, options: ScoringOptions): Promise<void> {
  const { scorer } = options;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const maxFiles = options.maxFiles ?? 16;
  const maxConcurrent = options.maxConcurrent ?? 16;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const maxScoring = options.maxScoring ?? (scorer.device === 'cuda' ? DEFAULT_BATCHING.cuda.maxBatch : 2);
  const admission = createAdmission({ maxAdmitted: maxConcurrent, maxRunning: maxScoring });
  const limits = { maxConcurrent, maxScoring, requestTimeoutMs: timeoutMs, bodyLimit, maxFiles };
  const slots = new WeakMap<FastifyRequest, RequestSlot>();
  let closing = false;
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
  await app.register(multipart, {
    limits: { fileSize: bodyLimit, files: maxFiles + 1, fields: 16, parts: maxFiles + 16 },
  });

  app.setErrorHandler((err, req, reply) => {
    const { status, body } = toHttpError(err);
    if (status >= 500) req.log.error(err);
    if (status === 503) void reply.header('retry-after', '1');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({
      error: {
        code: 'NOT_FOUND',
        message:
          'Expected one of POST /score, GET /healthz, GET /models, GET /openapi.json ' +
          `but received ${req.method} ${req.url}`,
      },
    }),
  );

  app.post(
    '/score',
    {
      bodyLimit,
      onRequest: async (req: FastifyRequest, reply: FastifyReply) => {
        const ticket = admission.tryAdmit();
        if (!ticket) {
          return reply
            .status(503)
            .header('retry-after', '1')
            .send({
              error: { code: 'BUSY', message: `Expected at most ${maxConcurrent} requests in flight; retry later` },
            });
        }
        slots.set(req, bindSlot(ticket, req.raw, reply.raw));
      },
    },
    async (req, reply) => {
      const slot = slots.get(req)!;
      const timer = setTimeout(
        () =>
          slot.abort(
            new ServiceError(
              'TIMEOUT',
              503,
              `Expected scoring to finish within ${timeoutMs} ms but it did not; retry later`,
            ),
          ),
        timeoutMs,
      );
      try {
        const { status, payload } = await untilAborted(scoreRequest(req, slot), slot.signal);
        return reply.status(status).send(payload);
      } finally {
        clearTimeout(timer);
      }
    },
  );

  /** Scores the body; resolves with the response so nothing is sent after a timeout answered. */
  const scoreRequest = async (
    req: FastifyRequest,
    slot: RequestSlot,
  ): Promise<{ status: number; payload: unknown }> => {
    if (req.isMultipart()) {
      const parts = await readParts(req, maxFiles);
      if (parts.length === 0)
        throw new IqaError(
          'INVALID_ARGUMENT',
          'Expected at least one image file part in the multipart body but received none',
        );
      const outcomes = await slot.run(() => scorer.scoreBatch(parts.map((p) => p.bytes)));
      const results = outcomes.map((o, i) => toResult(o, parts[i]!.name));
      const allFailed = outcomes.every((o) => o.error);
      return {
        status: allFailed ? toHttpError(outcomes[0]!.error).status : 200,
        payload: { model: scorer.card.id, results },
      };
    }
    const body = req.body as Buffer | undefined;
    if (!body || body.length === 0)
      throw new IqaError('INVALID_ARGUMENT', 'Expected image bytes in the request body but it is empty');
    try {
      const score = await slot.run(() => scorer.score(body));
      return { status: 200, payload: { model: scorer.card.id, results: [{ score }] } };
    } catch (err) {
      if (err instanceof ServiceError) throw err;
      const error = toIqaError(err, 'request body');
      const { status } = toHttpError(error);
      if (status >= 500) req.log.error(err);
      return { status, payload: { model: scorer.card.id, results: [toResult({ error })] } };
    }
  };

  app.get('/healthz', async (_req, reply) => {
    const { admitted, running, queued } = admission.counts();
    const body = {
      status: closing ? 'shutting-down' : 'ok',
      model: scorer.card.id,
      device: scorer.device,
      inFlight: admitted,
      scoring: running,
      queued,
      limits,
    };
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
    return {
      loaded: loaded.id,
      models: zoo.length > 0 ? zoo.map((z) => summary(z.card, z.isDefault)) : [summary(loaded)],
    };
  });

  const doc = openApiDocument({ bodyLimit, maxFiles });
  app.get('/openapi.json', async () => doc);
}

/**
 * Builds the scoring service as a server of its own (not yet listening): a Fastify app with the
 * scoring plugin at the root, closing gracefully (503 to new requests, in-flight ones answered).
 *
 * @example
 * const app = await createServer({ scorer: await createScorer() });
 * await app.listen({ port: 8080, host: '127.0.0.1' });
 */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const { logger, ...scoring } = options;
  const app = Fastify({
    logger: logger ?? false,
    bodyLimit: scoring.bodyLimit ?? DEFAULT_BODY_LIMIT,
    requestTimeout: 60_000,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  await app.register(scoringPlugin, scoring);
  return app;
}
