import { type CliIo, EXIT } from './io.js';

/** Subcommands implemented by other packages, loaded only when used. */
export const DELEGATES = {
  distort: { module: '@iqa-zoo/train', fn: 'distortCommand' },
  train: { module: '@iqa-zoo/train', fn: 'trainCommand' },
  export: { module: '@iqa-zoo/export', fn: 'exportCommand' },
} as const;

export type DelegatedCommand = keyof typeof DELEGATES;

type CommandFn = (argv: string[]) => Promise<number> | number;

/** Imports a package by name (dynamic `import` unless a test passes its own). */
export type DelegateLoader = (specifier: string) => Promise<Record<string, unknown>>;

/**
 * Imports `module` for `iqa <command>` (an optional package), or says on stderr how to install it
 * and returns undefined.
 *
 * @example
 * const service = await loadOptional<typeof import('@iqa-zoo/service')>('serve', '@iqa-zoo/service', io);
 */
export async function loadOptional<T = Record<string, unknown>>(
  command: string,
  module: string,
  io: CliIo,
  load: DelegateLoader = (s) => import(s) as Promise<Record<string, unknown>>,
): Promise<T | undefined> {
  try {
    return (await load(module)) as T;
  } catch (err) {
    io.stderr.write(
      `iqa ${command}: expected the package ${module} to provide this command but it could not be loaded: ` +
        `${(err as Error).message}\n` +
        `  Possible solutions: "npm install ${module}" (in this repository: "npm install" and "npm run build").\n`,
    );
    return undefined;
  }
}

/**
 * Runs `iqa distort|train|export` from `@iqa-zoo/train` / `@iqa-zoo/export` by dynamic import,
 * so scoring never loads tfjs. A missing package or function is a clear error (exit code 2).
 *
 * @example
 * const code = await runDelegated(
 *   'train', ['rank', '--config', 'configs/mobilenetv2-ml/rank.json'], processIo(),
 * );
 */
export async function runDelegated(
  command: DelegatedCommand,
  argv: string[],
  io: CliIo,
  load?: DelegateLoader,
): Promise<number> {
  const { module, fn } = DELEGATES[command];
  const mod = await loadOptional(command, module, io, load);
  if (!mod) return EXIT.USAGE;
  const run = mod[fn];
  if (typeof run !== 'function') {
    io.stderr.write(
      `iqa ${command}: expected ${module} to export a function ${fn}(argv) ` +
        'but it does not (this build may predate it)\n',
    );
    return EXIT.USAGE;
  }
  const code = await (run as CommandFn)(argv);
  return typeof code === 'number' ? code : EXIT.OK;
}
