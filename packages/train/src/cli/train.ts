/**
 * `iqa train rank --config FILE [--resume]` and
 * `iqa train finetune --config FILE [--from CKPT] [--resume]`.
 */
import { parseArgs } from 'node:util';
import { initTfBackend } from '../backend/select-backend.js';
import { readTrainConfig } from '../training/config.js';
import { runFinetune } from '../training/stage-finetune.js';
import { runRank } from '../training/stage-rank.js';

const USAGE = `Usage:
  iqa train rank --config FILE [--resume] [--backend auto|wasm|cpu|tensorflow] [--out DIR] [--cache DIR]
  iqa train finetune --config FILE [--from CKPT] [--resume] [--backend ...] [--out DIR] [--cache DIR]
--out and --cache override the config's run folder and feature cache (e.g. a fresh cache to time a first run).`;

/** Runs a training stage; returns the process exit code. */
export async function trainCommand(argv: string[]): Promise<number> {
  const [stage, ...rest] = argv;
  if (stage !== 'rank' && stage !== 'finetune') {
    process.stderr.write(`Expected a stage "rank" or "finetune" but received ${stage === undefined ? 'nothing' : JSON.stringify(stage)}\n${USAGE}\n`);
    return 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      config: { type: 'string' },
      from: { type: 'string' },
      resume: { type: 'boolean', default: false },
      backend: { type: 'string', default: 'auto' },
      out: { type: 'string' },
      cache: { type: 'string' },
    },
  });
  const overrides = { ...(values.out ? { out: values.out } : {}), ...(values.cache ? { cache: values.cache } : {}) };
  const extra = `${values.out ? ` --out ${values.out}` : ''}${values.cache ? ` --cache ${values.cache}` : ''}`;
  if (!values.config) {
    process.stderr.write(`Expected --config FILE\n${USAGE}\n`);
    return 2;
  }
  const backend = await initTfBackend({ backend: values.backend as 'auto' });
  process.stderr.write(`tfjs backend: ${backend.name} (${backend.reason})\n`);
  const t0 = Date.now();
  if (stage === 'rank') {
    const cfg = { ...(await readTrainConfig(values.config, 'rank')), ...overrides };
    const result = await runRank(cfg, { resume: values.resume, configFile: `${values.config}${extra}` });
    process.stdout.write(`${JSON.stringify({ stage, wallSeconds: (Date.now() - t0) / 1000, ...result })}\n`);
  } else {
    const cfg = { ...(await readTrainConfig(values.config, 'finetune')), ...overrides };
    const commands = [`iqa train finetune --config ${values.config}${values.from ? ` --from ${values.from}` : ''}${extra}`];
    const result = await runFinetune(cfg, { from: values.from, resume: values.resume, commands });
    process.stdout.write(`${JSON.stringify({ stage, wallSeconds: (Date.now() - t0) / 1000, ...result })}\n`);
  }
  return 0;
}
