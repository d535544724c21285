// Makes a zoo model's calibration set (pyiqa-style): a few images with the scores this model gives
// them in runtime-node, checked in CI by test/calibration.test.ts. Also writes examples/.
// Images: Kodak PhotoCD crops (released by Kodak for unrestricted use) from the data folder's pristine/,
// pristine and distorted by our own generator. Usage: node scripts/make-calibration.mjs MODEL_ID
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { distort } from '@iqa-zoo/train';
import { createScorer } from '@iqa-zoo/runtime-node';
import { DATA } from './lib/data-folder.mjs';

const id = process.argv[2];
if (!id) throw new Error('Expected a model id: node scripts/make-calibration.mjs MODEL_ID');
const pristine = path.join(DATA, 'pristine');
const SOURCES = ['kodim03', 'kodim15', 'kodim23'];
const VARIANTS = [
  { name: 'pristine' },
  { name: 'gblur3', type: 'gblur', level: 3 },
  { name: 'jpeg4', type: 'jpeg', level: 4 },
  { name: 'wn3', type: 'wn', level: 3 },
];

const dir = path.join('models', id, 'calibration');
mkdirSync(dir, { recursive: true });
mkdirSync('examples', { recursive: true });
const scorer = await createScorer(id, { device: 'cpu' });
const entries = [];
for (const src of SOURCES) {
  const { data, info } = await sharp(path.join(pristine, `Kodak24__${src}.png`))
    .extract({ left: 122, top: 122, width: 256, height: 256 })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const rgb = { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
  for (const v of VARIANTS) {
    const img = v.type ? await distort(rgb, { type: v.type, level: v.level, seed: 1 }) : rgb;
    const file = `${src}-${v.name}.png`;
    const png = await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } })
      .png()
      .toBuffer();
    writeFileSync(path.join(dir, file), png);
    entries.push({ file, score: await scorer.score(png) });
  }
}
writeFileSync(
  path.join('models', id, 'calibration.json'),
  `${JSON.stringify(
    { model: id, tolerance: 1e-3, note: 'scores from runtime-node (CPU) when the model was added', images: entries },
    null,
    2,
  )}\n`,
);
// Three examples for the README's first command.
for (const [from, to] of [
  ['kodim23-pristine.png', 'parrots.jpg'],
  ['kodim23-gblur3.png', 'parrots-blurred.jpg'],
  ['kodim03-jpeg4.png', 'hats-jpeg.jpg'],
]) {
  await sharp(path.join(dir, from)).jpeg({ quality: 95 }).toFile(path.join('examples', to));
}
await scorer.dispose();
console.table(entries);
