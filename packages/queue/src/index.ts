/**
 * @iqa-zoo/queue: scale-out scoring on a BullMQ queue on Redis. Workers (`startScoreWorker`, or
 * `iqa worker`) score the jobs of one model's queue; producers (`enqueueScores`, `collectScores`,
 * `scoreOnQueue`, or `iqa enqueue`) submit images and read back one line per image in the shape of
 * `iqa score --json`.
 */

// Workers
export { startScoreWorker, WORKER_DEFAULTS } from './score-worker.js';
export type { ScoreJobEvent, ScoreWorker, ScoreWorkerOptions } from './score-worker.js';

// Producers
export { enqueueScores, collectScores, scoreOnQueue } from './enqueue-scores.js';
export type { CollectOptions, EnqueueOptions, QueueImage } from './enqueue-scores.js';

// Jobs, queues and the Redis connection
export { scoreQueueName } from './score-job.js';
export type { ScoreJobData, ScoreJobResult, ScoreLine } from './score-job.js';
export { checkRedis, openRedis, redisAddress } from './redis-connection.js';
