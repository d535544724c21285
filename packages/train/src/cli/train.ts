/**
 * `iqa train rank --config FILE [--data DIR] [--resume]`,
 * `iqa train finetune --config FILE [--data DIR] [--from CKPT] [--resume]` and
 * `iqa train patches --config FILE [--data DIR] [--resume]` (a patch network trained whole, e.g. CNNIQA).
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { IqaError } from '@iqa-zoo/core';
import { isWasmThreadCount, MAX_WASM_THREADS } from '../backend/node-wasm-threads.js';
import { type TfBackendRequest, initTfBackend } from '../backend/select-backend.js';
import { readTrainConfig } from '../training/config.js';
import { DATA_ENV, dataFolder } from '../training/data-folder.js';
import { featureHelperProcess } from '../training/feature-helper-process.js';
import { runFinetune } from '../training/stage-finetune.js';
import { runPatches } from '../training/stage-patches.js';
import { runRank } from '../training/stage-rank.js';

/** The default --feature-workers on wasm or cpu: each helper is a process holding its own copy of the network. */
const MAX_AUTO_WORKERS = 4;

export const TRAIN_USAGE = `Usage:
  iqa train rank --config FILE [--data DIR] [--resume] [--backend auto|wasm|cpu|tensorflow] [--threads N]
                 [--out DIR] [--cache DIR] [--feature-workers N]
  iqa train finetune --config FILE [--data DIR] [--from CKPT] [--resume] [--backend ...] [--threads N]
                     [--out DIR] [--cache DIR] [--feature-workers N]
  iqa train patches --config FILE [--data DIR] [--resume] [--backend ...] [--threads N] [--out DIR]
--data: the training data folder the config's data paths (refs, mos, root) are relative to
  (default: $${DATA_ENV}, else ./data); \`iqa data check DIR\` says what it lacks, \`iqa data --help\` the layout.
--out and --cache override the config's run folder and feature cache (e.g. a fresh cache to time a first run).
--feature-workers: processes computing the features that are not cached yet, this one included
  (default: the available cores, at most ${MAX_AUTO_WORKERS}, on wasm; 1 on native TensorFlow, which
  uses every core, and the GPU, itself); the trained model does not depend on it.
--threads: wasm threads of the training process, 1 to ${MAX_WASM_THREADS} (default 1): XNNPACK's thread pool on
  tfjs' threaded build; the weights come out bitwise the same. On 2 cores, 2 threads train WaDIQaM-NR about
  1.3x faster (node scripts/bench-train-threads.mjs); feature workers and other runs share the same cores.`;

/** --threads, checked before anything starts. */
function parseThreads(text: string): number {
  const n = Number(text);
  if (!isWasmThreadCount(n))
    throw new IqaError(
      'INVALID_ARGUMENT',
      `Expected an integer from 1 to ${MAX_WASM_THREADS} for --threads but received ${JSON.stringify(text)}`,
    );
  return n;
}

/** An explicit --feature-workers, checked before anything starts. */
function parseWorkers(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new IqaError(
      'INVALID_ARGUMENT',
      `Expected a positive integer for --feature-workers but received ${JSON.stringify(text)}`,
    );
  return n;
}

/** The default: helpers only where one process uses one core (wasm and cpu in Node). */
function defaultWorkers(backend: string): number {
  return backend === 'tensorflow' ? 1 : Math.max(1, Math.min(availableParallelism(), MAX_AUTO_WORKERS));
}

/** Runs a training stage; returns the process exit code. */
export async function trainCommand(argv: string[]): Promise<number> {
  const [stage, ...rest] = argv;
  if (stage === '--help' || stage === '-h' || rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${TRAIN_USAGE}\n`);
    return 0;
  }
  if (stage !== 'rank' && stage !== 'finetune' && stage !== 'patches') {
    process.stderr.write(
      `Expected a stage "rank", "finetune" or "patches" but received ${
        stage === undefined ? 'nothing' : JSON.stringify(stage)
      }\n${TRAIN_USAGE}\n`,
    );
    return 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      config: { type: 'string' },
      data: { type: 'string' },
      from: { type: 'string' },
      resume: { type: 'boolean', default: false },
      backend: { type: 'string', default: 'auto' },
      out: { type: 'string' },
      cache: { type: 'string' },
      'feature-workers': { type: 'string' },
      threads: { type: 'string', default: '1' },
    },
  });
  const overrides = { ...(values.out ? { out: values.out } : {}), ...(values.cache ? { cache: values.cache } : {}) };
  const extra = `${values.out ? ` --out ${values.out}` : ''}${values.cache ? ` --cache ${values.cache}` : ''}`;
  if (!values.config) {
    process.stderr.write(`Expected --config FILE\n${TRAIN_USAGE}\n`);
    return 2;
  }
  const workers = parseWorkers(values['feature-workers']);
  const data = { data: dataFolder(values.data) };
  const threads = parseThreads(values.threads);
  const backend = await initTfBackend({ backend: values.backend as 'auto', threads });
  const featureWorkers = workers ?? defaultWorkers(backend.name);
  process.stderr.write(`tfjs backend: ${backend.name} (${backend.reason})\n`);
  const t0 = Date.now();
  if (stage === 'patches') {
    const cfg = { ...(await readTrainConfig(values.config, 'patches', data)), ...overrides };
    const commands = [`iqa train patches --config ${values.config}${values.out ? ` --out ${values.out}` : ''}`];
    const result = await runPatches(cfg, { resume: values.resume, commands });
    process.stdout.write(`${JSON.stringify({ stage, wallSeconds: (Date.now() - t0) / 1000, ...result })}\n`);
  } else if (stage === 'rank') {
    const cfg = { ...(await readTrainConfig(values.config, 'rank', data)), ...overrides };
    const featureHelper = featureHelperProcess({ stage, config: cfg, backend: backend.name as TfBackendRequest });
    const result = await runRank(cfg, {
      resume: values.resume,
      configFile: `${values.config}${extra}`,
      featureWorkers,
      featureHelper,
    });
    process.stdout.write(`${JSON.stringify({ stage, wallSeconds: (Date.now() - t0) / 1000, ...result })}\n`);
  } else {
    const cfg = { ...(await readTrainConfig(values.config, 'finetune', data)), ...overrides };
    const commands = [
      `iqa train finetune --config ${values.config}${values.from ? ` --from ${values.from}` : ''}${extra}`,
    ];
    const featureHelper = featureHelperProcess({
      stage,
      config: cfg,
      from: values.from,
      backend: backend.name as TfBackendRequest,
    });
    const result = await runFinetune(cfg, {
      from: values.from,
      resume: values.resume,
      commands,
      featureWorkers,
      featureHelper,
    });
    process.stdout.write(`${JSON.stringify({ stage, wallSeconds: (Date.now() - t0) / 1000, ...result })}\n`);
  }
  return 0;
}
