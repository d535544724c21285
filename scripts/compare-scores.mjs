// Is model A better than model B on these images, or is the difference what another draw of
// images would undo? A paired bootstrap: each resample draws one set of images (with replacement)
// and measures both models on it.
// Usage: node scripts/compare-scores.mjs VAL_CSV A_SCORES_CSV B_SCORES_CSV [RESAMPLES]
//   VAL_CSV: image,mos (e.g. runs/<run>/val.csv); *_SCORES_CSV: `iqa score ... --csv` output.
// Run `npm run build` first (it reads @iqa-zoo/core's dist). Prints each model's SRCC and PLCC
// with its own 95% interval, then A - B with the paired interval and the share of resamples in
// which A is ahead. Example (docs/training.md):
//   V=runs/mobilenetv2-ml/finetune-upper-12crops-10ep/val.csv
//   F=$(tail -n +2 $V | cut -d, -f1 | sed "s#^#runs/mobilenetv2-ml/finetune-upper-12crops-10ep/#")
//   npx iqa score $F --model mobilenetv2-ml-clive --csv > a.csv
//   npx iqa export --from runs/ablation/upper-10ep-12crops-seed8/best --out /tmp/cmp/b
//   npx iqa score $F --model /tmp/cmp/b --csv > b.csv
//   node scripts/compare-scores.mjs $V a.csv b.csv
import { bootstrapInterval, pairedBootstrap, plcc, srcc } from '@iqa-zoo/core';
import { readScoredSet } from './lib/score-csv.mjs';

const [valCsv, aCsv, bCsv, resamplesText = '2000'] = process.argv.slice(2);
if (!valCsv || !aCsv || !bCsv) {
  console.error('Usage: node scripts/compare-scores.mjs VAL_CSV A_SCORES_CSV B_SCORES_CSV [RESAMPLES]');
  process.exit(2);
}
const options = { resamples: Number(resamplesText), seed: 0, level: 0.95 };
const {
  mos,
  scores: [a, b],
} = readScoredSet(valCsv, [aCsv, bCsv]);
const f = (v) => v.toFixed(4);
const span = (c) => `${f(c.estimate)} (95% CI ${f(c.low)} to ${f(c.high)})`;
console.log(`n ${mos.length}, ${options.resamples} paired bootstrap resamples, seed 0`);
for (const [name, metric] of [
  ['SRCC', srcc],
  ['PLCC', plcc],
]) {
  console.log(
    `${name}\tA ${span(bootstrapInterval(a, mos, metric, options))}\t` +
      `B ${span(bootstrapInterval(b, mos, metric, options))}`,
  );
  const { difference, shareAhead } = pairedBootstrap(a, b, mos, metric, options);
  console.log(`${name}\tA - B ${span(difference)}\tA ahead in ${(100 * shareAhead).toFixed(1)}% of resamples`);
}
