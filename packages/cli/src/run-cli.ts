import { isIqaError } from '@iqa-zoo/core';
import { DELEGATES, type DelegatedCommand, type DelegateLoader, runDelegated } from './delegate.js';
import { EVAL_USAGE, evalCommand } from './eval-command.js';
import { type CliIo, EXIT, UsageError } from './io.js';
import { MODELS_USAGE, modelsCommand } from './models-command.js';
import { SCORE_USAGE, scoreCommand } from './score-command.js';
import { SERVE_USAGE, serveCommand } from './serve-command.js';

const COMMANDS = {
  score: { run: scoreCommand, usage: SCORE_USAGE },
  models: { run: modelsCommand, usage: MODELS_USAGE },
  serve: { run: serveCommand, usage: SERVE_USAGE },
  eval: { run: evalCommand, usage: EVAL_USAGE },
} as const;

export const USAGE = `iqa: no-reference image quality scores from the iqa-zoo models

Usage: iqa <command> [options]   (iqa <command> --help for its options)
  score FILE|DIR|GLOB...   score images with a zoo model
  models                   list the zoo
  serve                    run the HTTP scoring service
  eval --mos CSV           correlation of a model with MOS labels
  distort | train          make distorted sets / train (from @iqa-zoo/train)
  export                   export a trained model to ONNX (from @iqa-zoo/export)`;

/**
 * Runs the `iqa` command line with `argv` (without `node` and the script) and returns the exit code:
 * 0 success, 1 some inputs failed, 2 bad usage or setup. `load` imports the packages behind
 * `distort`, `train` and `export` (tests pass their own).
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2));
 */
export async function runCli(argv: string[], io: CliIo, load?: DelegateLoader): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return command === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (command in DELEGATES) return reportTypedErrors(command, () => runDelegated(command as DelegatedCommand, rest, io, load), io);
  const entry = COMMANDS[command as keyof typeof COMMANDS];
  if (!entry) {
    io.stderr.write(`iqa: expected one of ${[...Object.keys(COMMANDS), ...Object.keys(DELEGATES)].join(', ')} but received "${command}"\n\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${entry.usage}\n`);
    return EXIT.OK;
  }
  return reportTypedErrors(command, () => entry.run(rest, io), io, entry.usage);
}

/**
 * Runs one command; a UsageError or an IqaError (bad input, a checkpoint that does not fit) is
 * printed as one line with its code and gives exit code 2. Anything else is a bug and propagates.
 */
async function reportTypedErrors(command: string, run: () => Promise<number> | number, io: CliIo, usage?: string): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`iqa ${command}: ${err.message}\n${usage === undefined ? '' : `\n${usage}\n`}`);
      return EXIT.USAGE;
    }
    if (isIqaError(err)) {
      io.stderr.write(`iqa ${command}: ${err.code}: ${err.message}\n`);
      return EXIT.USAGE;
    }
    throw err;
  }
}
