/**
 * Typed errors shared by every iqa-zoo package.
 *
 * Bad arguments throw `TypeError` / `RangeError` (as sharp and the platform do);
 * failures about images, models and files throw `IqaError` with a stable `code`.
 * Messages say what was expected and what was received.
 */

/** Stable error codes. Callers switch on these, never on message text. */
export type IqaErrorCode =
  | 'INVALID_CARD'
  | 'INVALID_IMAGE'
  | 'UNSUPPORTED_IMAGE'
  | 'IMAGE_TOO_SMALL'
  | 'IMAGE_TOO_LARGE'
  | 'MODEL_NOT_FOUND'
  | 'MODEL_INTEGRITY'
  | 'MODEL_DOWNLOAD'
  | 'UNSUPPORTED_LAYER'
  | 'EXPORT_INVALID'
  | 'DEVICE_UNAVAILABLE'
  | 'INVALID_ARGUMENT'
  | 'DATA_NOT_FOUND'
  | 'CHECKPOINT'
  | 'INTERNAL';

/** The base error of iqa-zoo: `code` tells what went wrong, `cause` keeps the original error. */
export class IqaError extends Error {
  readonly code: IqaErrorCode;

  constructor(code: IqaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IqaError';
    this.code = code;
  }
}

/** True when `err` is an `IqaError` (optionally with the given code). */
export function isIqaError(err: unknown, code?: IqaErrorCode): err is IqaError {
  return err instanceof IqaError && (code === undefined || err.code === code);
}

/** Describes a received value for an error message: `-1`, `"abc"`, `an array of 2`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value))
    return `a ${value.constructor.name} of ${(value as unknown as ArrayLike<number>).length}`;
  if (typeof value === 'function') return 'a function';
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
}

/** `Expected positive integer for width but received -1`, sharp's message shape. */
export function expected(what: string, name: string, received: unknown): string {
  return `Expected ${what} for ${name} but received ${describeValue(received)}`;
}
