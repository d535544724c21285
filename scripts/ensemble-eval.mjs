// SRCC/PLCC of several models' scores and of their mean, on one MOS list.
// Usage: node scripts/ensemble-eval.mjs VAL_CSV SCORES_CSV...
//   VAL_CSV: image,mos (e.g. runs/<run>/val.csv); SCORES_CSV: `iqa score ... --csv` output.
// Images are matched by file name. Run `npm run build` first (it reads @iqa-zoo/core's dist).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseMosCsv, plcc, srcc } from '@iqa-zoo/core';

const [valCsv, ...scoreCsvs] = process.argv.slice(2);
if (!valCsv || scoreCsvs.length === 0) {
  console.error('Usage: node scripts/ensemble-eval.mjs VAL_CSV SCORES_CSV...');
  process.exit(2);
}
const mos = new Map(parseMosCsv(readFileSync(valCsv, 'utf8'), valCsv).map((r) => [basename(r.image), r.mos]));
// `iqa score --csv` rows: file,score,error_code,error_message (a failed image has no score).
const rows = (file) => readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
const names = [...mos.keys()];
const sets = scoreCsvs.map((file) => {
  const s = new Map(rows(file).filter((r) => r[1] !== '').map(([f, v]) => [basename(f), Number(v)]));
  const missing = names.filter((n) => !s.has(n));
  if (missing.length > 0) throw new Error(`Expected a score for every image of ${valCsv} in ${file} but ${missing.length} are missing (first: ${missing[0]})`);
  return s;
});
const y = names.map((n) => mos.get(n));
const line = (label, x) => console.log(`${label}\tSRCC ${srcc(x, y).toFixed(4)}\tPLCC ${plcc(x, y).toFixed(4)}`);
scoreCsvs.forEach((file, i) => line(file, names.map((n) => sets[i].get(n))));
line('mean of all', names.map((n) => sets.reduce((a, s) => a + s.get(n), 0) / sets.length));
