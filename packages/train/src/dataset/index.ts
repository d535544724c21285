/**
 * The ranked dataset of stage 1: references on disk, crops, the worker pool, and the seeded
 * stream of ranking batches.
 */
export { rankingBatches, batchToNhwc } from './ranking-batches.js';
export type { RankingOptions, RankingBatch, RankingLabel, ReferenceImage } from './ranking-batches.js';
export { listReferences, loadReference, REFERENCE_EXTENSIONS } from './references.js';
export { pickCrop, applyCrop, ensureMinSide } from './crop.js';
export type { CropBox } from './crop.js';
export { runReferenceTask } from './reference-task.js';
export type { ReferenceTask, TaskGroup, ReferenceResult, GroupResult } from './reference-task.js';
export { createTaskRunner, defaultWorkerUrl } from './worker-pool.js';
export type { TaskRunner, TaskRunnerOptions } from './worker-pool.js';

// Command line (`iqa distort`)
export { distortCommand, DISTORT_USAGE } from '../cli/distort.js';
export type { CommandIo } from '../cli/distort.js';
