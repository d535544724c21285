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
  iqa train rank --config FILE [--resume] [--backend auto|wasm|cpu|tensorflow]
  iqa train finetune --config FILE [--from CKPT] [--resume] [--backend ...]`;

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
    },
  });
  if (!values.config) {
    process.stderr.write(`Expected --config FILE\n${USAGE}\n`);
    return 2;
  }
  const backend = await initTfBackend({ backend: values.backend as 'auto' });
  process.stderr.write(`tfjs backend: ${backend.name} (${backend.reason})\n`);
  const t0 = Date.now();
  if (stage === 'rank') {
    const cfg = await readTrainConfig(values.config, 'rank');
    const result = await runRank(cfg, { resume: values.resume, configFile: values.config });
    process.stdout.write(`${JSON.stringify({ stage, wallSeconds: (Date.now() - t0) / 1000, ...result })}\n`);
  } else {
    const cfg = await readTrainConfig(values.config, 'finetune');
    const commands = [`iqa train finetune --config ${values.config}${values.from ? ` --from ${values.from}` : ''}`];
    const result = await runFinetune(cfg, { from: values.from, resume: values.resume, commands });
    process.stdout.write(`${JSON.stringify({ stage, wallSeconds: (Date.now() - t0) / 1000, ...result })}\n`);
  }
  return 0;
}
