// How much the test-time crop draw moves a crop-protocol model's validation numbers: scores a MOS
// list with the card's protocol under other crop seeds and crop counts (each a copy of the model
// folder whose card changes only `input.protocol`), in one run.
//   node scripts/crop-protocol-noise.mjs MODEL_DIR VAL_CSV [count:seed ...]   (default 30:0 30:1 30:2 60:0 120:0)
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseMosCsv, plcc, srcc } from '@iqa-zoo/core';
import { createScorer } from '@iqa-zoo/runtime-node';

const [dir, csv, ...specs] = process.argv.slice(2);
if (!dir || !csv) throw new Error('Usage: node scripts/crop-protocol-noise.mjs MODEL_DIR VAL_CSV [count:seed ...]');
const card = JSON.parse(readFileSync(path.join(dir, 'card.json'), 'utf8'));
if (card.input.protocol.kind !== 'crops') throw new Error(`Expected a model scored on crops but ${dir} uses the ${card.input.protocol.kind} protocol`);
const rows = parseMosCsv(readFileSync(csv, 'utf8'), csv);
const files = rows.map((r) => path.resolve(path.dirname(csv), r.image));
const mos = rows.map((r) => r.mos);
const work = mkdtempSync(path.join(tmpdir(), 'iqa-protocol-'));
try {
  for (const spec of specs.length > 0 ? specs : ['30:0', '30:1', '30:2', '60:0', '120:0']) {
    const [count, seed] = spec.split(':').map(Number);
    const copy = path.join(work, spec.replace(':', '-'));
    mkdirSync(copy);
    copyFileSync(path.join(dir, card.files.onnx.path), path.join(copy, card.files.onnx.path));
    const protocol = { ...card.input.protocol, count, seed };
    writeFileSync(path.join(copy, 'card.json'), JSON.stringify({ ...card, files: { onnx: card.files.onnx }, input: { ...card.input, protocol } }));
    const scorer = await createScorer(copy, { device: 'cpu' });
    const t0 = performance.now();
    const scores = [];
    for (const f of files) scores.push(await scorer.score(f));
    await scorer.dispose();
    console.log(`${count} crops, seed ${seed}: SRCC ${srcc(scores, mos).toFixed(4)}, PLCC ${plcc(scores, mos).toFixed(4)} (n ${files.length}, ${((performance.now() - t0) / files.length).toFixed(0)} ms/image)`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
