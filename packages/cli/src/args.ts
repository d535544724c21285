import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `util.parseArgs` that turns its errors into `UsageError`s. */
export function parseCommandArgs<T extends Options>(
  argv: string[],
  options: T,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Checks that `value` is one of `allowed`, naming the flag otherwise. */
export function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`Expected one of ${allowed.join(', ')} for ${flag} but received "${value}"`);
  }
  return value as T;
}

/** Parses a non-negative integer flag. */
export function intFlag(value: string | undefined, flag: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`Expected an integer >= ${min} for ${flag} but received "${value}"`);
  return n;
}

/** `--crops N`: undefined when absent (the card's protocol count), else a positive integer. */
export function cropsFlag(text: string | undefined): number | undefined {
  return text === undefined ? undefined : intFlag(text, '--crops', 0, 1);
}

/** `--preset default|fast`: undefined when absent (the card's protocol). */
export function presetFlag(text: string | undefined): 'default' | 'fast' | undefined {
  return text === undefined ? undefined : oneOf(text, ['default', 'fast'] as const, '--preset', 'default');
}

/**
 * `--threads N`: undefined when absent (the scorer's default: the preset's or the card's, else one per core);
 * 0: onnxruntime's choice.
 */
export function threadsFlag(text: string | undefined): number | undefined {
  return text === undefined ? undefined : intFlag(text, '--threads', 0);
}
