/**
 * Submitting images to the scoring queue and collecting their results, in the shape of
 * `iqa score --json`. Results stay in Redis until collected: a producer that dies before it read
 * them can collect them later by job id.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Job, Queue, QueueEvents } from 'bullmq';
import { openRedis } from './redis-connection.js';
import { type ScoreJobData, type ScoreJobResult, type ScoreLine, failureError, scoreQueueName } from './score-job.js';

/** An image to submit: a file path, or named bytes. */
export type QueueImage = string | { name: string; bytes: Uint8Array };

export interface EnqueueOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. */
  redis: string;
  /** Zoo id of the model whose workers score the images (default: the zoo's default). */
  model?: string;
  /** Send file paths instead of bytes; every worker must be able to read them. Default false. */
  byPath?: boolean;
  /**
   * Attempts per job for failures other than a bad image (a worker crash is not one: see
   * `startScoreWorker`). Default 3.
   */
  attempts?: number;
  /** Queue name (default `scoreQueueName(model)`). */
  queueName?: string;
}

async function jobData(image: QueueImage, byPath: boolean): Promise<ScoreJobData> {
  if (typeof image !== 'string') return { name: image.name, bytes: Buffer.from(image.bytes).toString('base64') };
  if (byPath) return { name: image, path: resolve(image) };
  return { name: image, bytes: (await readFile(image)).toString('base64') };
}

/**
 * Submits one job per image and returns their job ids, in input order.
 *
 * @example
 * const ids = await enqueueScores(['a.jpg', 'b.png'], { redis: 'redis://127.0.0.1:6379' });
 * const lines = await collectScores(ids, { redis: 'redis://127.0.0.1:6379' });
 */
export async function enqueueScores(images: readonly QueueImage[], options: EnqueueOptions): Promise<string[]> {
  if (!Array.isArray(images))
    throw new TypeError(`Expected an array of file paths or { name, bytes } for images but received ${typeof images}`);
  const connection = openRedis(options.redis);
  const queue = new Queue<ScoreJobData, ScoreJobResult>(options.queueName ?? scoreQueueName(options.model), {
    connection,
  });
  try {
    const attempts = options.attempts ?? 3;
    const jobs = await queue.addBulk(
      await Promise.all(
        images.map(async (image) => ({
          name: 'score',
          data: await jobData(image, options.byPath ?? false),
          opts: {
            attempts,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: false,
            removeOnFail: false,
          },
        })),
      ),
    );
    return jobs.map((j) => j.id!);
  } finally {
    await queue.close();
    await connection.quit();
  }
}

function toLine(job: Job<ScoreJobData, ScoreJobResult>, failed: boolean): ScoreLine {
  if (!failed) return { file: job.data.name, score: job.returnvalue.score };
  const error = failureError(job.failedReason ?? 'INTERNAL: failed without a reason');
  return { file: job.data.name, error: { code: error.code, message: error.message } };
}

/** How `collectScores` waits. */
export interface CollectOptions {
  /** Longest wait for each job, in ms (default: no limit). */
  waitMs?: number;
  /** Called with each line as its job finishes (in finishing order), with its index in `ids`. */
  onLine?: (line: ScoreLine, index: number) => void;
}

async function collectOne(
  queue: Queue<ScoreJobData, ScoreJobResult>,
  events: QueueEvents,
  id: string,
  waitMs: number | undefined,
): Promise<ScoreLine> {
  const job = await queue.getJob(id);
  if (!job)
    return {
      file: id,
      error: {
        code: 'INVALID_ARGUMENT',
        message: `Expected a job ${id} in queue ${queue.name} but there is none (already collected?)`,
      },
    };
  await job.waitUntilFinished(events, waitMs).catch(() => {});
  const state = await queue.getJobState(id);
  if (state !== 'completed' && state !== 'failed') {
    // Not finished in time: the job and its later result stay for another collect.
    return {
      file: job.data.name,
      error: { code: 'INTERNAL', message: `Expected job ${id} to finish within ${waitMs} ms but it is ${state}` },
    };
  }
  const done = (await queue.getJob(id)) ?? job;
  const line = toLine(done, state === 'failed');
  await done.remove();
  return line;
}

/**
 * Waits for the jobs `ids` to finish (each at most `waitMs`, default without limit), returns one
 * line per job in the order of `ids` (a score, or the typed error of a failed job), and removes the
 * finished jobs from Redis. An id that is not (or no longer) in the queue is an `INVALID_ARGUMENT`
 * line; a job not finished in time is an `INTERNAL` line and stays in the queue.
 *
 * @example
 * for (const line of await collectScores(ids, { redis })) console.log(JSON.stringify(line));
 */
export async function collectScores(
  ids: readonly string[],
  options: Pick<EnqueueOptions, 'redis' | 'model' | 'queueName'> & CollectOptions,
): Promise<ScoreLine[]> {
  const connection = openRedis(options.redis);
  const name = options.queueName ?? scoreQueueName(options.model);
  const queue = new Queue<ScoreJobData, ScoreJobResult>(name, { connection });
  const events = new QueueEvents(name, { connection });
  try {
    await events.waitUntilReady();
    return await Promise.all(
      ids.map(async (id, index): Promise<ScoreLine> => {
        const line = await collectOne(queue, events, id, options.waitMs);
        options.onLine?.(line, index);
        return line;
      }),
    );
  } finally {
    await events.close();
    await queue.close();
    await connection.quit();
  }
}

/**
 * Submits the images and waits for their results: `enqueueScores` then `collectScores`.
 *
 * @example
 * const lines = await scoreOnQueue(['a.jpg', 'b.png'], { redis: 'redis://127.0.0.1:6379' });
 * // [{ file: 'a.jpg', score: 61.2 }, { file: 'b.png', error: { code: 'INVALID_IMAGE', message: '...' } }]
 */
export async function scoreOnQueue(images: readonly QueueImage[], options: EnqueueOptions): Promise<ScoreLine[]> {
  return collectScores(await enqueueScores(images, options), options);
}
