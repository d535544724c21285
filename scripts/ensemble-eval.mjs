// SRCC/PLCC of several models' scores and of their mean, on one MOS list.
// Usage: node scripts/ensemble-eval.mjs VAL_CSV SCORES_CSV...
//   VAL_CSV: image,mos (e.g. runs/<run>/val.csv); SCORES_CSV: `iqa score ... --csv` output.
// Images are matched by file name. Run `npm run build` first (it reads @iqa-zoo/core's dist).
// The averages quoted in docs/training.md came from (after the ablation runs):
//   V=runs/mobilenetv2-ml/finetune-upper-30ep/val.csv
//   F=$(tail -n +2 $V | cut -d, -f1 | sed "s#^#runs/mobilenetv2-ml/finetune-upper-30ep/#")
//   npx iqa export --from runs/ablation/upper-30ep-seed8/best --out /tmp/ens/seed8
//   npx iqa export --from runs/inceptionv3-ml/finetune-full/best --out /tmp/ens/incv3
//   npx iqa score $F --model /tmp/ens/seed8 --csv > s8.csv       (likewise --model /tmp/ens/incv3 > si.csv,
//   and with the zoo's mobilenetv2-ml-upper-clive 0.2.0, git 400d168, > s7.csv)
//   node scripts/ensemble-eval.mjs $V s7.csv s8.csv [si.csv]
import { plcc, srcc } from '@iqa-zoo/core';
import { readScoredSet } from './lib/score-csv.mjs';

const [valCsv, ...scoreCsvs] = process.argv.slice(2);
if (!valCsv || scoreCsvs.length === 0) {
  console.error('Usage: node scripts/ensemble-eval.mjs VAL_CSV SCORES_CSV...');
  process.exit(2);
}
const { mos: y, scores } = readScoredSet(valCsv, scoreCsvs);
const line = (label, x) => console.log(`${label}\tSRCC ${srcc(x, y).toFixed(4)}\tPLCC ${plcc(x, y).toFixed(4)}`);
scoreCsvs.forEach((file, i) => {
  line(file, scores[i]);
});
line(
  'mean of all',
  y.map((_, j) => scores.reduce((a, s) => a + s[j], 0) / scores.length),
);
