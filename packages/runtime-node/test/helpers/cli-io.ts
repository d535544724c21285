import type { CliIo } from '@iqa-zoo/cli';

/** A CliIo that records what a command writes. */
export function memoryIo(stderrIsTTY = false): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    stderrIsTTY,
    out: () => out,
    err: () => err,
  };
}
