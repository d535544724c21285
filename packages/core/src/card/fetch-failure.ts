import { IqaError } from '../errors.js';

/** Why fetching a model's file failed: the server's answer, or the error the request threw. */
export type FetchFailure = { status: number; statusText?: string } | { cause: unknown };

/**
 * The one error both runtimes throw when a model's card or ONNX file cannot be fetched:
 * `MODEL_NOT_FOUND` when the server says the file is not there (HTTP 404 or 410), `MODEL_DOWNLOAD`
 * for anything worth trying again (a request that failed, another HTTP status). `advice` ends the message.
 *
 * @example
 * if (!response.ok) throw fetchFailure('the model card', url, response); // 404: MODEL_NOT_FOUND
 * fetchFailure('the model ONNX file', url, { cause: err }); // MODEL_DOWNLOAD, "... the request failed: ..."
 */
export function fetchFailure(what: string, url: string, failure: FetchFailure, advice?: string): IqaError {
  const tail = advice ? `; ${advice}` : '';
  if ('status' in failure) {
    const code = failure.status === 404 || failure.status === 410 ? 'MODEL_NOT_FOUND' : 'MODEL_DOWNLOAD';
    const answer = `HTTP ${failure.status} ${failure.statusText ?? ''}`.trim();
    return new IqaError(code, `Expected ${what} at ${url} but received ${answer}${tail}`);
  }
  const why = failure.cause instanceof Error ? failure.cause.message : String(failure.cause);
  return new IqaError(
    'MODEL_DOWNLOAD',
    `Expected to download ${what} from ${url} but the request failed: ${why}${tail}`,
    {
      cause: failure.cause,
    },
  );
}
