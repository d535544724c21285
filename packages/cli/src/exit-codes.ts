import { isIqaError } from '@iqa-zoo/core';
import { type CliIo, EXIT as RUN_EXIT, UsageError } from './io.js';
import { CommanderError } from 'commander';

/**
 * Exit codes of `iqa`: 0 all good, 1 some inputs failed, 2 bad usage or setup (a typed error),
 * 70 a bug (an error nobody anticipated; printed with its stack by `main`).
 */
export const EXIT = { ...RUN_EXIT, BUG: 70 } as const;

/** Node's `util.parseArgs` errors (unknown option, missing value, unexpected positional). */
function isParseArgsError(err: unknown): boolean {
  // Duck-typed: the error may come from another realm (a test's vm context), where instanceof fails.
  const code: unknown = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/**
 * The one mapping from an error thrown by a command to what `iqa` prints and the exit code:
 * a bad command line (UsageError, parseArgs, commander) and an IqaError (bad input, a model or
 * checkpoint that does not fit) are one line on stderr and exit code 2; anything else is a bug,
 * rethrown for `main` to print with its stack (exit code 70).
 *
 * @example
 * try { return await run(); } catch (err) { return reportFailure('score', err, io, SCORE_USAGE); }
 */
export function reportFailure(command: string, err: unknown, io: CliIo, usage?: string): number {
  if (err instanceof CommanderError) {
    // commander has printed its own message (or the help) already.
    return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  }
  if (err instanceof UsageError || isParseArgsError(err)) {
    io.stderr.write(`iqa ${command}: ${(err as Error).message}\n${usage === undefined ? '' : `\n${usage}\n`}`);
    return EXIT.USAGE;
  }
  if (isIqaError(err)) {
    io.stderr.write(`iqa ${command}: ${err.code}: ${err.message}\n`);
    return EXIT.USAGE;
  }
  throw err;
}
