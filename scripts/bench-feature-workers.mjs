// Feature pass with 1 process against N (`--feature-workers`), in one run: the default model's
// stage-2 feature pass (configs/mobilenetv2-ml/finetune.json: 8 training crops, 30 validation
// crops per image) on the first IMAGES images of CLIVE, each time into a fresh cache; then one
// epoch. Prints both feature times, their ratio, and checks both runs trained the same model.
//   node scripts/bench-feature-workers.mjs [IMAGES=60] [WORKERS=available cores]
// Reads the data folder's clive/ ($IQA_ZOO_DATA, else ./data); run from the repository root after
// `npm install`. Run it on an otherwise idle machine: the ratio is only as good as the cores the helpers get.
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { cliveSubsetConfig } from './lib/clive-subset.mjs';

const images = Number(process.argv[2] ?? 60);
const workers = Number(process.argv[3] ?? availableParallelism());
const { work, config } = cliveSubsetConfig('configs/mobilenetv2-ml/finetune.json', images, 'iqa-bench-workers-');

console.log(
  `${images} images, ${availableParallelism()} cores; load average before ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const runs = {};
for (const n of [1, workers]) {
  const t0 = performance.now();
  const r = spawnSync(
    'npx',
    [
      'iqa',
      'train',
      'finetune',
      '--config',
      config,
      '--feature-workers',
      String(n),
      '--out',
      path.join(work, `run-${n}`),
      '--cache',
      path.join(work, `cache-${n}`),
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`iqa train finetune --feature-workers ${n} failed: ${r.stderr.slice(-2000)}`);
  const result = JSON.parse(r.stdout.trim().split('\n').at(-1));
  runs[n] = { ...result, totalSeconds: (performance.now() - t0) / 1000 };
  console.log(
    `--feature-workers ${n}: feature pass ${result.featureSeconds.toFixed(1)} s ` +
      `(${result.cache.misses} images computed), whole command ${runs[n].totalSeconds.toFixed(1)} s, ` +
      `validation SRCC ${result.state.best.srcc.toFixed(4)}`,
  );
}
const [a, b] = [runs[1], runs[workers]];
console.log(
  `feature pass speed-up with ${workers} workers: ${(a.featureSeconds / b.featureSeconds).toFixed(2)}x; ` +
    `whole command: ${(a.totalSeconds / b.totalSeconds).toFixed(2)}x`,
);
console.log(
  `same model: ${a.state.best.srcc === b.state.best.srcc && a.state.best.plcc === b.state.best.plcc ? 'yes' : 'NO'}; ` +
    `load average after ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
);
