/** Where a CLI command writes: real streams in `main`, buffers in tests. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** True when stderr is a terminal (progress bars only then). */
  stderrIsTTY: boolean;
}

/** The process's own streams. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stderrIsTTY: Boolean(process.stderr.isTTY) };
}

/** Exit codes: 0 all good, 1 some inputs failed, 2 bad usage or setup. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

/** A bad command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
