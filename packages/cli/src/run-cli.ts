import { createRequire } from 'node:module';
import { Command } from 'commander';
import { DATA_USAGE, dataCommand } from './data-command.js';
import { DELEGATES, type DelegatedCommand, type DelegateLoader, runDelegated } from './delegate.js';
import { EVAL_USAGE, evalCommand } from './eval-command.js';
import { ENQUEUE_USAGE, enqueueCommand } from './enqueue-command.js';
import { EXIT, reportFailure } from './exit-codes.js';
import { MODELS_USAGE, modelsCommand } from './models-command.js';
import { SCORE_USAGE, scoreCommand } from './score-command.js';
import { SERVE_USAGE, serveCommand } from './serve-command.js';
import { WORKER_USAGE, workerCommand } from './worker-command.js';
import type { CliIo } from './io.js';

/** A command implemented here: its one-line summary, its usage text (its --help) and its function. */
const OWN_COMMANDS = {
  score: { summary: 'score images with a zoo model', usage: SCORE_USAGE, run: scoreCommand },
  models: { summary: 'list the zoo', usage: MODELS_USAGE, run: modelsCommand },
  serve: {
    summary: 'run the HTTP scoring service',
    usage: SERVE_USAGE,
    run: (argv: string[], io: CliIo) => serveCommand(argv, io),
  },
  eval: { summary: 'correlation of a model with MOS labels', usage: EVAL_USAGE, run: evalCommand },
  data: { summary: 'check a training data folder', usage: DATA_USAGE, run: dataCommand },
  worker: {
    summary: 'score jobs from a Redis queue (BullMQ)',
    usage: WORKER_USAGE,
    run: (argv: string[], io: CliIo) => workerCommand(argv, io),
  },
  enqueue: {
    summary: 'submit images to a Redis queue, optionally wait for scores',
    usage: ENQUEUE_USAGE,
    run: enqueueCommand,
  },
} as const;

/** Commands of @iqa-zoo/train and @iqa-zoo/export, which print their own --help. */
const DELEGATED_SUMMARIES: Record<DelegatedCommand, string> = {
  distort: 'make distorted image sets (from @iqa-zoo/train)',
  train: 'train a model (from @iqa-zoo/train)',
  export: 'export a trained model to ONNX (from @iqa-zoo/export)',
};

/** `iqa train`'s stages, each run by @iqa-zoo/train's trainCommand. */
const TRAIN_STAGES = {
  rank: 'stage 1: learn to rank distorted images (iqa train rank --config FILE)',
  finetune: 'stage 2: fine-tune on MOS labels (iqa train finetune --config FILE --from CKPT)',
  patches: 'a patch network (CNNIQA) trained whole on MOS (iqa train patches --config FILE)',
} as const;

const ALL_COMMANDS = [...Object.keys(OWN_COMMANDS), ...Object.keys(DELEGATES)];

export const USAGE = `iqa: no-reference image quality scores from the iqa-zoo models

Usage: iqa <command> [options]   (iqa <command> --help for its options)
  score FILE|DIR|GLOB...   score images with a zoo model
  models                   list the zoo
  serve                    run the HTTP scoring service
  worker --redis URL       score jobs from a Redis queue (BullMQ) until SIGTERM
  enqueue --redis URL ...  submit images to the queue (--wait: print their scores as score does)
  eval --mos CSV           correlation of a model with MOS labels
  data check [DIR]         check a training data folder, say what is missing
  distort | train          make distorted sets / train (from @iqa-zoo/train)
  export                   export a trained model to ONNX (from @iqa-zoo/export)`;

/** This package's version; 'unknown' when the sources were bundled away from their package.json (benchmarks). */
function version(): string {
  try {
    return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Builds the commander program; `setCode` receives each action's exit code. */
function buildProgram(io: CliIo, load: DelegateLoader | undefined, setCode: (code: number) => void): Command {
  const program = new Command('iqa')
    .description('no-reference image quality scores from the iqa-zoo models')
    .version(version(), '-v, --version')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride();
  // The top level's help is USAGE; `iqa train --help` keeps commander's listing of the stages.
  program.helpInformation = () => `${USAGE}\n`;

  // A leaf passes its arguments untouched to a function that parses them (`util.parseArgs`).
  const leaf = (parent: Command, name: string, summary: string) =>
    parent.command(name).summary(summary).argument('[args...]').allowUnknownOption().allowExcessArguments();

  for (const [name, { summary, usage, run }] of Object.entries(OWN_COMMANDS)) {
    leaf(program, name, summary)
      .configureHelp({ formatHelp: () => `${usage}\n` })
      .action(async (_args: string[], _opts: unknown, cmd: Command) => {
        setCode(await runOwn(name, () => run(cmd.args, io), io, usage));
      });
  }
  const delegated =
    (command: DelegatedCommand, argv: (cmd: Command) => string[]) =>
    async (_a: string[], _o: unknown, cmd: Command) => {
      setCode(await runOwn(command, () => runDelegated(command, argv(cmd), io, load), io));
    };
  for (const name of ['distort', 'export'] as const) {
    leaf(program, name, DELEGATED_SUMMARIES[name])
      .helpOption(false)
      .action(delegated(name, (cmd) => cmd.args));
  }
  const train = program.command('train').summary(DELEGATED_SUMMARIES.train).description(DELEGATED_SUMMARIES.train);
  for (const [stage, summary] of Object.entries(TRAIN_STAGES)) {
    leaf(train, stage, summary)
      .helpOption(false)
      .action(delegated('train', (cmd) => [stage, ...cmd.args]));
  }
  return program;
}

async function runOwn(
  command: string,
  run: () => Promise<number> | number,
  io: CliIo,
  usage?: string,
): Promise<number> {
  try {
    return await run();
  } catch (err) {
    return reportFailure(command, err, io, usage);
  }
}

/**
 * Runs the `iqa` command line with `argv` (without `node` and the script) and returns the exit code
 * (see `EXIT`). Every command and subcommand takes `--help`. `load` imports the packages behind
 * `distort`, `train` and `export` (tests pass their own). An error that is not a typed one is a
 * bug and rejects.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), processIo());
 */
export async function runCli(argv: string[], io: CliIo, load?: DelegateLoader): Promise<number> {
  const [command] = argv;
  if (command !== undefined && !command.startsWith('-') && command !== 'help' && !ALL_COMMANDS.includes(command)) {
    io.stderr.write(`iqa: expected one of ${ALL_COMMANDS.join(', ')} but received "${command}"\n\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  let code: number = EXIT.OK;
  const program = buildProgram(io, load, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    return reportFailure(command ?? 'iqa', err, io);
  }
  return code;
}
