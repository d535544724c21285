/**
 * What travels on the scoring queue: one image per job (its bytes, or a path the worker reads where
 * the user says so), and back its score; a failed job's reason carries the typed error's code.
 */
import { DEFAULT_MODEL_ID, IqaError, type IqaErrorCode, isIqaError } from '@iqa-zoo/core';

/** One job: the image as base64 bytes, or a path that the worker can read. */
export interface ScoreJobData {
  /** How the enqueuer named the image (its file name), echoed in results. */
  name: string;
  /** The encoded image, base64. */
  bytes?: string;
  /** A path the worker reads instead (only when the enqueuer sent paths). */
  path?: string;
}

/** A completed job's return value. */
export interface ScoreJobResult {
  score: number;
}

/** One line of `iqa score --json`: the file and its score, or the file and the error. */
export type ScoreLine = { file: string; score: number } | { file: string; error: { code: string; message: string } };

/**
 * The queue that holds jobs for `model` (a zoo id; default the zoo's default): one queue per model,
 * so a worker only takes images for the model it loaded.
 *
 * @example
 * scoreQueueName('mobilenetv2-ml-clive'); // 'iqa-score-mobilenetv2-ml-clive'
 */
export function scoreQueueName(model: string = DEFAULT_MODEL_ID): string {
  if (!/^[A-Za-z0-9._-]+$/.test(model)) {
    throw new TypeError(
      `Expected a model id of letters, digits, '.', '_' or '-' for the queue but received ${JSON.stringify(model)}`,
    );
  }
  return `iqa-score-${model}`;
}

const CODE = /^([A-Z_]+): ([\s\S]*)$/;

/** The failed reason a worker stores for `err`: `CODE: message`, so the enqueuer gets the code back. */
export function jobFailure(err: unknown): string {
  if (isIqaError(err)) return `${err.code}: ${err.message}`;
  return `INTERNAL: ${err instanceof Error ? err.message : String(err)}`;
}

/** The typed error back from a failed job's reason (`INTERNAL` when it carries no code). */
export function failureError(reason: string): IqaError {
  const m = CODE.exec(reason);
  return m ? new IqaError(m[1] as IqaErrorCode, m[2]!) : new IqaError('INTERNAL', reason);
}
