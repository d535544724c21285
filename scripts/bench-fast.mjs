// Node fp32 vs q8 vs fewer crops vs both, at 1 and N intra-op threads, per image at 500x500 and
// 1080x800, in one run as ratios (issue 22, item 5). Every variant is a scorer of its own; each
// round scores each image size once with every scorer in turn (so a busy machine slows all
// alike), after one warm-up score each. Reports the median wall ms and process CPU ms per image
// (decode of a JPEG, crops, session.run, aggregation) and the speed-up against fp32 with the card's
// crops at the same thread count. Exits non-zero when any variant fails to load or score.
//   node scripts/bench-fast.mjs [--model ID|DIR] [--crops N (default the card's presets.fast.crops, else 8)]
//        [--threads 1,2] [--rounds 5] [--json OUT]
// `npm run build` first; the model folder needs model_q8.onnx (iqa export --quantize q8).
import { availableParallelism } from 'node:os';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createScorer } from '@iqa-zoo/runtime-node';

const { values: a } = parseArgs({
  options: {
    model: { type: 'string', default: 'mobilenetv2-ml-clive' },
    crops: { type: 'string' },
    threads: { type: 'string', default: [...new Set([1, availableParallelism()])].join(',') },
    rounds: { type: 'string', default: '5' },
    json: { type: 'string' },
  },
});
const sizes = [
  [500, 500],
  [1080, 800],
];
const images = await Promise.all(
  sizes.map(([w, h]) => sharp('examples/parrots.jpg').resize(w, h, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer()),
);
const probe = await createScorer(a.model, { device: 'cpu', threads: 1 });
const card = probe.card;
await probe.dispose();
const full = card.input.protocol.count;
const fewer = a.crops === undefined ? (card.presets?.fast?.crops ?? 8) : Number(a.crops);
const variants = a.threads
  .split(',')
  .map(Number)
  .flatMap((threads) =>
    [
      ['fp32', full],
      ['q8', full],
      ['fp32', fewer],
      ['q8', fewer],
    ].map(([dtype, crops]) => ({
      name: `${dtype}, ${crops} crops, ${threads} thread${threads === 1 ? '' : 's'}`,
      dtype,
      crops,
      threads,
    })),
  );

let failed = 0;
const scorers = [];
for (const v of variants) {
  try {
    const s = await createScorer(a.model, { device: 'cpu', dtype: v.dtype, threads: v.threads, crops: v.crops });
    for (const img of images) await s.score(img);
    scorers.push(s);
  } catch (err) {
    console.error(`${v.name}: ${err.code ?? ''} ${err.message}`);
    failed++;
    scorers.push(undefined);
  }
}
const wall = variants.map(() => sizes.map(() => []));
const cpu = variants.map(() => sizes.map(() => []));
for (let r = 0; r < Number(a.rounds); r++) {
  for (let k = 0; k < images.length; k++) {
    for (let i = 0; i < variants.length; i++) {
      if (!scorers[i]) continue;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      try {
        await scorers[i].score(images[k]);
      } catch (err) {
        console.error(`${variants[i].name}: ${err.code ?? ''} ${err.message}`);
        failed++;
        continue;
      }
      wall[i][k].push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu[i][k].push((c.user + c.system) / 1000);
    }
  }
}
for (const s of scorers) await s?.dispose();

const median = (xs) => (xs.length === 0 ? Number.NaN : [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]);
const rows = variants.map((v, i) => ({
  ...v,
  sizes: sizes.map(([w, h], k) => ({ image: `${w}x${h}`, ms: median(wall[i][k]), cpuMs: median(cpu[i][k]) })),
}));
const baseline = (v) => rows.find((b) => b.dtype === 'fp32' && b.crops === full && b.threads === v.threads);
console.log(
  `${card.id} ${card.version}, ${a.rounds} rounds, variants interleaved; ` +
    `speed-up vs fp32 ${full} crops at the same threads`,
);
console.log(`variant\t${sizes.map(([w, h]) => `${w}x${h} ms (cpu ms)\tspeed-up`).join('\t')}`);
for (const r of rows) {
  const b = baseline(r);
  console.log(
    `${r.name}\t${r.sizes
      .map((s, k) => `${s.ms.toFixed(1)} (${s.cpuMs.toFixed(0)})\t${(b.sizes[k].ms / s.ms).toFixed(2)}x`)
      .join('\t')}`,
  );
}
if (a.json)
  writeFileSync(
    a.json,
    `${JSON.stringify({ model: card.id, version: card.version, rounds: Number(a.rounds), rows }, null, 2)}\n`,
  );
if (failed > 0) {
  console.error(`${failed} variant load(s) or score(s) failed`);
  process.exitCode = 1;
}
