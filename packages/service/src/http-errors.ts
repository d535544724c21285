import { type IqaErrorCode, isIqaError } from '@iqa-zoo/core';

/** HTTP status for each iqa-zoo error code a request can cause. */
const STATUS: Partial<Record<IqaErrorCode, number>> = {
  INVALID_IMAGE: 422,
  UNSUPPORTED_IMAGE: 415,
  IMAGE_TOO_SMALL: 422,
  IMAGE_TOO_LARGE: 413,
  INVALID_ARGUMENT: 400,
  DATA_NOT_FOUND: 400,
};

/** A JSON error body: `{ error: { code, message } }`. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** Maps an error to its status code and JSON body; unknown errors are 500 without internals. */
export function toHttpError(err: unknown): { status: number; body: ErrorBody } {
  if (isIqaError(err))
    return { status: STATUS[err.code] ?? 500, body: { error: { code: err.code, message: err.message } } };
  const e = err as { statusCode?: number; code?: string; message?: string };
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return {
      status: e.statusCode,
      body: { error: { code: e.code ?? 'BAD_REQUEST', message: e.message ?? 'Bad request' } },
    };
  }
  if (e.statusCode === 503) {
    return {
      status: 503,
      body: { error: { code: e.code ?? 'UNAVAILABLE', message: e.message ?? 'Service unavailable; retry later' } },
    };
  }
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: 'Internal error while scoring; see the server log' } },
  };
}

/** Why the service refused or dropped a request: `BUSY` and `TIMEOUT` are answered 503 with Retry-After. */
export type ServiceErrorCode = 'BUSY' | 'TIMEOUT' | 'CLIENT_CLOSED';

/**
 * An error of the service itself rather than of an image; `toHttpError` answers it with `statusCode`.
 *
 * @example
 * throw new ServiceError('TIMEOUT', 503, 'Expected scoring to finish within 30000 ms but it did not; retry later');
 */
export class ServiceError extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}
