/**
 * A scoring worker on a BullMQ queue: takes one image per job, scores it with one model and stores
 * the score as the job's result. Jobs are at-least-once: a worker that dies mid-job loses its lock,
 * and another worker takes the job again once the lock expired (BullMQ's stalled-job check).
 */
import { readFile } from 'node:fs/promises';
import { IqaError, isIqaError } from '@iqa-zoo/core';
import { UnrecoverableError, Worker } from 'bullmq';
import { type NodeScorer, type NodeScorerOptions, createScorer, readImageInput } from '@iqa-zoo/runtime-node';
import { openRedis } from './redis-connection.js';
import { type ScoreJobData, type ScoreJobResult, failureError, jobFailure, scoreQueueName } from './score-job.js';

export interface ScoreWorkerOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. */
  redis: string;
  /** Zoo id, folder or `.onnx` path (default: the zoo's default); ignored when `scorer` is given. */
  model?: string;
  /** A scorer to use instead of loading `model` (the worker does not dispose it). */
  scorer?: NodeScorer;
  /** Options for loading `model`. */
  scorerOptions?: NodeScorerOptions;
  /** Jobs scored at once by this worker. Default 1. */
  concurrency?: number;
  /** How long a job's lock lasts without renewal: a killed worker's job is taken again after it. Default 30 000 ms. */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose worker died. Default 30 000 ms. */
  stalledIntervalMs?: number;
  /** Queue name (default `scoreQueueName(card.id)`). */
  queueName?: string;
  /** Called as this worker's jobs start and end, and when it puts back a job whose worker died. */
  onJob?: (event: ScoreJobEvent) => void;
}

/**
 * What happened to a job on this worker: `active` (taken), `completed` (with its score), `failed`
 * (with the typed error's code and message), or `stalled` (a job whose worker died, put back in the
 * queue by this worker's check; only `id` is known then).
 */
export type ScoreJobEvent =
  | { state: 'active'; id: string; name: string }
  | { state: 'completed'; id: string; name: string; score: number }
  | { state: 'failed'; id: string; name: string; error: { code: string; message: string } }
  | { state: 'stalled'; id: string };

/** Defaults of `startScoreWorker` (BullMQ's own): lock 30 s, stalled-job check every 30 s. */
export const WORKER_DEFAULTS = { concurrency: 1, lockDurationMs: 30_000, stalledIntervalMs: 30_000 } as const;

/** A running worker: `close()` finishes the jobs in hand and disconnects. */
export interface ScoreWorker {
  readonly queueName: string;
  readonly scorer: NodeScorer;
  close(): Promise<void>;
}

function positiveInt(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`Expected a positive integer for ${name} but received ${JSON.stringify(value)}`);
  return value;
}

async function jobBytes(data: ScoreJobData): Promise<Buffer> {
  if (typeof data.bytes === 'string') return Buffer.from(data.bytes, 'base64');
  if (typeof data.path === 'string') {
    return readFile(data.path).catch((err: NodeJS.ErrnoException) => {
      throw new IqaError(
        'DATA_NOT_FOUND',
        `Expected a readable image file at ${data.path} on the worker ` +
          `but reading it failed (${err.code ?? err.message})`,
      );
    });
  }
  throw new IqaError(
    'INVALID_ARGUMENT',
    `Expected a job with bytes or path but received one with keys ${JSON.stringify(Object.keys(data ?? {}))}`,
  );
}

/**
 * Starts a worker that scores the jobs of its model's queue. An image that cannot be scored (corrupt,
 * unsupported, unreadable path) fails its own job without retries, its reason `CODE: message`; the
 * queue goes on.
 *
 * @example
 * const worker = await startScoreWorker({
 *   redis: 'redis://127.0.0.1:6379',
 *   model: 'mobilenetv2-ml-clive',
 *   concurrency: 2,
 * });
 * process.once('SIGTERM', () => void worker.close());
 */
export async function startScoreWorker(options: ScoreWorkerOptions): Promise<ScoreWorker> {
  const concurrency = positiveInt(options.concurrency, 'concurrency', WORKER_DEFAULTS.concurrency);
  const lockDuration = positiveInt(options.lockDurationMs, 'lockDurationMs', WORKER_DEFAULTS.lockDurationMs);
  const stalledInterval = positiveInt(
    options.stalledIntervalMs,
    'stalledIntervalMs',
    WORKER_DEFAULTS.stalledIntervalMs,
  );
  const scorer = options.scorer ?? (await createScorer(options.model, options.scorerOptions));
  const owned = !options.scorer;
  const limits = { maxPixels: options.scorerOptions?.maxPixels, maxBytes: options.scorerOptions?.maxBytes };
  const queueName = options.queueName ?? scoreQueueName(scorer.card.id);
  const connection = openRedis(options.redis);
  const worker = new Worker<ScoreJobData, ScoreJobResult>(
    queueName,
    async (job) => {
      try {
        // Decoded here so that an error names the image as the enqueuer did (not 'image bytes'),
        // with the scorer's own limits; the scorer takes the pixels unchanged.
        const pixels = await readImageInput(await jobBytes(job.data), { name: job.data.name, ...limits });
        return { score: await scorer.score(pixels) };
      } catch (err) {
        // A bad image fails the same way on every worker: no retry. Anything else may be retried.
        if (isIqaError(err)) throw new UnrecoverableError(jobFailure(err));
        throw new Error(jobFailure(err));
      }
    },
    {
      connection,
      concurrency,
      lockDuration,
      stalledInterval,
      maxStalledCount: 2,
    },
  );
  worker.on('error', () => {}); // connection errors are retried by ioredis; jobs report their own failures
  const onJob = options.onJob;
  if (onJob) {
    worker.on('active', (job) => onJob({ state: 'active', id: job.id!, name: job.data.name }));
    worker.on('completed', (job, result) =>
      onJob({ state: 'completed', id: job.id!, name: job.data.name, score: result.score }),
    );
    worker.on('failed', (job, err) => {
      if (!job) return;
      const error = failureError(err.message);
      onJob({ state: 'failed', id: job.id!, name: job.data.name, error: { code: error.code, message: error.message } });
    });
    worker.on('stalled', (id) => onJob({ state: 'stalled', id }));
  }
  await worker.waitUntilReady();
  return {
    queueName,
    scorer,
    async close() {
      await worker.close();
      await connection.quit();
      if (owned) await scorer.dispose();
    },
  };
}
