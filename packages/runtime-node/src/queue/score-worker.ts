/**
 * A scoring worker on a BullMQ queue: takes one image per job, scores it with one model and stores
 * the score as the job's result. Jobs are at-least-once: a worker that dies mid-job loses its lock,
 * and another worker takes the job again once the lock expired (BullMQ's stalled-job check).
 */
import { readFile } from 'node:fs/promises';
import { IqaError, isIqaError } from '@iqa-zoo/core';
import { UnrecoverableError, Worker } from 'bullmq';
import { type NodeScorer, type NodeScorerOptions, createScorer } from '../scorer/create-scorer.js';
import { openRedis } from './redis-connection.js';
import { type ScoreJobData, type ScoreJobResult, jobFailure, scoreQueueName } from './score-job.js';

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
}

/** A running worker: `close()` finishes the jobs in hand and disconnects. */
export interface ScoreWorker {
  readonly queueName: string;
  readonly scorer: NodeScorer;
  close(): Promise<void>;
}

async function jobBytes(data: ScoreJobData): Promise<Buffer> {
  if (typeof data.bytes === 'string') return Buffer.from(data.bytes, 'base64');
  if (typeof data.path === 'string') {
    return readFile(data.path).catch((err: NodeJS.ErrnoException) => {
      throw new IqaError('DATA_NOT_FOUND', `Expected a readable image file at ${data.path} on the worker but reading it failed (${err.code ?? err.message})`);
    });
  }
  throw new IqaError('INVALID_ARGUMENT', `Expected a job with bytes or path but received one with keys ${JSON.stringify(Object.keys(data ?? {}))}`);
}

/**
 * Starts a worker that scores the jobs of its model's queue. An image that cannot be scored (corrupt,
 * unsupported, unreadable path) fails its own job without retries, its reason `CODE: message`; the
 * queue goes on.
 *
 * @example
 * const worker = await startScoreWorker({ redis: 'redis://127.0.0.1:6379', model: 'mobilenetv2-ml-clive', concurrency: 2 });
 * process.once('SIGTERM', () => void worker.close());
 */
export async function startScoreWorker(options: ScoreWorkerOptions): Promise<ScoreWorker> {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`Expected a positive integer for concurrency but received ${JSON.stringify(options.concurrency)}`);
  }
  const scorer = options.scorer ?? (await createScorer(options.model, options.scorerOptions));
  const owned = !options.scorer;
  const queueName = options.queueName ?? scoreQueueName(scorer.card.id);
  const connection = openRedis(options.redis);
  const worker = new Worker<ScoreJobData, ScoreJobResult>(
    queueName,
    async (job) => {
      try {
        return { score: await scorer.score(await jobBytes(job.data)) };
      } catch (err) {
        // A bad image fails the same way on every worker: no retry. Anything else may be retried.
        if (isIqaError(err)) throw new UnrecoverableError(jobFailure(err));
        throw new Error(jobFailure(err));
      }
    },
    {
      connection,
      concurrency,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: 2,
    },
  );
  worker.on('error', () => {}); // connection errors are retried by ioredis; jobs report their own failures
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
