// fp16 vs fp32 variant of a zoo model on a MOS list: score differences, SRCC of each, and speed.
//   node scripts/bench-fp16.mjs MODEL_ID VAL_CSV
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { srcc, plcc } from '@iqa-zoo/core';
import { createScorer } from '@iqa-zoo/runtime-node';

const [id, csv] = process.argv.slice(2);
if (!id || !csv) throw new Error('Usage: node scripts/bench-fp16.mjs MODEL_ID VAL_CSV');
const rows = readFileSync(csv, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(','));
const files = rows.map((r) => path.resolve(path.dirname(csv), r[0]));
const mos = rows.map((r) => Number(r[1]));
const result = {};
for (const dtype of ['fp32', 'fp16']) {
  const scorer = await createScorer(id, { device: 'cpu', dtype });
  const t0 = performance.now();
  const scores = [];
  for (const f of files) scores.push(await scorer.score(f));
  result[dtype] = { scores, ms: (performance.now() - t0) / files.length };
  await scorer.dispose();
}
const diff = result.fp32.scores.map((s, i) => Math.abs(s - result.fp16.scores[i]));
console.log(
  JSON.stringify(
    {
      model: id,
      n: files.length,
      maxAbsDiff: Math.max(...diff),
      meanAbsDiff: diff.reduce((a, b) => a + b, 0) / diff.length,
      fp32: { srcc: srcc(result.fp32.scores, mos), plcc: plcc(result.fp32.scores, mos), msPerImage: result.fp32.ms },
      fp16: { srcc: srcc(result.fp16.scores, mos), plcc: plcc(result.fp16.scores, mos), msPerImage: result.fp16.ms },
    },
    null,
    2,
  ),
);
