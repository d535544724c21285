// How much the test-time protocol moves a model's validation numbers: scores a MOS list with the
// model under other crop seeds and counts, or as one whole-image pass, in one run (each protocol a
// copy of the model folder whose card changes only `input.protocol`).
//   node scripts/protocol-noise.mjs MODEL_DIR VAL_CSV [count:seed | full[:maxSide] ...]
//   (default 30:0 30:1 30:2 60:0 120:0)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseMosCsv, plcc, srcc } from '@iqa-zoo/core';
import { parseProtocol, scoreWithProtocol } from './lib/score-protocol.mjs';

const [dir, csv, ...specs] = process.argv.slice(2);
if (!dir || !csv)
  throw new Error('Usage: node scripts/protocol-noise.mjs MODEL_DIR VAL_CSV [count:seed | full[:maxSide] ...]');
const card = JSON.parse(readFileSync(path.join(dir, 'card.json'), 'utf8'));
const rows = parseMosCsv(readFileSync(csv, 'utf8'), csv);
const files = rows.map((r) => path.resolve(path.dirname(csv), r.image));
const mos = rows.map((r) => r.mos);
for (const spec of specs.length > 0 ? specs : ['30:0', '30:1', '30:2', '60:0', '120:0']) {
  const protocol = parseProtocol(spec, card);
  const { scores, msPerImage } = await scoreWithProtocol(dir, protocol, files);
  const name =
    protocol.kind === 'full'
      ? `whole image${protocol.maxSide ? ` (at most ${protocol.maxSide} px)` : ''}`
      : `${protocol.count} crops, seed ${protocol.seed}`;
  console.log(
    `${name}: SRCC ${srcc(scores, mos).toFixed(4)}, PLCC ${plcc(scores, mos).toFixed(4)} ` +
      `(n ${files.length}, ${msPerImage.toFixed(0)} ms/image)`,
  );
}
