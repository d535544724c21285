// The metrics of one `iqa score --csv` output against a MOS list, with 95% bootstrap intervals
// (what `iqa eval --ci` prints, for scores already computed, e.g. pooled over cross-validation folds).
// Usage: node scripts/eval-scores.mjs MOS_CSV SCORES_CSV [RESAMPLES]
// Run `npm run build` first (it reads @iqa-zoo/core's dist). Images are matched by file name.
import { bootstrapInterval, evaluatePredictions, plcc, srcc } from '@iqa-zoo/core';
import { readScoredSet } from './lib/score-csv.mjs';

const [mosCsv, scoresCsv, resamplesText = '2000'] = process.argv.slice(2);
if (!mosCsv || !scoresCsv) {
  console.error('Usage: node scripts/eval-scores.mjs MOS_CSV SCORES_CSV [RESAMPLES]');
  process.exit(2);
}
const options = { resamples: Number(resamplesText), seed: 0, level: 0.95 };
const {
  mos,
  scores: [pred],
} = readScoredSet(mosCsv, [scoresCsv]);
const m = evaluatePredictions(pred, mos);
const f = (v) => v.toFixed(4);
const ci = (metric) => {
  const c = bootstrapInterval(pred, mos, metric, options);
  return ` (95% CI ${f(c.low)} to ${f(c.high)})`;
};
console.log(
  `n ${m.n}\nSRCC ${f(m.srcc)}${ci(srcc)}\nKRCC ${f(m.krcc)}\nPLCC ${f(m.plcc)}${ci(plcc)}\n` +
    `PLCC (logistic) ${f(m.plccLogistic)}\nRMSE ${f(m.rmse)}`,
);
console.log(`(intervals: ${options.resamples} bootstrap resamples of the ${m.n} images, seed 0)`);
