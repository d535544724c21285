// SRCC against the number of crops, with the spread the random crop draw alone causes, and the
// ms per image of each count, in one run (issue 22, item 2). Each validation image is cut once per
// crop seed into the card's 30 crops; N crops are the first N of that seeded draw (what
// `createScorer(model, { crops: N, cropSeed })` scores), so one 30-crop pass per seed gives every N.
// For each N: SRCC/PLCC with the card's seed (95% bootstrap CI over images, 2000 resamples), the
// paired SRCC difference to the full protocol (30 crops, same seed) with its CI, and the min/max/sd
// of SRCC over the crop seeds. Then ms per 500x500 image per N with the real scorer (variants
// alternated, median of --rounds). Exits non-zero when an image fails to score.
//   node scripts/bench-crops.mjs --mos VAL_CSV [--model ID|DIR] [--dtype fp32|fp16|q8] [--seeds 5]
//        [--counts 1,4,8,16,30] [--threads N] [--rounds 9] [--json OUT]
// `npm run build` first. VAL_CSV: image,mos rows, paths relative to the CSV (e.g. runs/v5/upper/val.csv).
import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import * as ort from 'onnxruntime-node';
import { bootstrapInterval, chooseProtocol, pairedBootstrap, parseMosCsv, plcc, preprocess, srcc } from '@iqa-zoo/core';
import { createScorer, defaultIntraOpThreads, loadModel, readImageInput } from '@iqa-zoo/runtime-node';

const { values: a } = parseArgs({
  options: {
    mos: { type: 'string' },
    model: { type: 'string', default: 'mobilenetv2-ml-clive' },
    dtype: { type: 'string', default: 'fp32' },
    seeds: { type: 'string', default: '5' },
    counts: { type: 'string', default: '1,4,8,16,30' },
    threads: { type: 'string' },
    rounds: { type: 'string', default: '9' },
    json: { type: 'string' },
  },
});
if (!a.mos)
  throw new Error(
    'Usage: node scripts/bench-crops.mjs --mos VAL_CSV [--model ID|DIR] [--dtype fp32|fp16|q8] [--seeds 5] ' +
      '[--counts 1,4,8,16,30] [--threads N] [--rounds 9] [--json OUT]',
  );
const counts = a.counts.split(',').map(Number);
const seeds = Array.from({ length: Number(a.seeds) }, (_, i) => i);
const threads = a.threads === undefined ? defaultIntraOpThreads() : Number(a.threads);
const rows = parseMosCsv(readFileSync(a.mos, 'utf8'), a.mos);
const mos = rows.map((r) => r.mos);
const { card, onnx } = await loadModel(a.model, a.dtype);
const full = card.input.protocol.count;
const cardSeed = card.input.protocol.seed;
if (Math.max(...counts) > full)
  throw new Error(`Expected counts of at most the card's ${full} crops but received ${a.counts}`);
const session = await ort.InferenceSession.create(onnx, {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  logSeverityLevel: 4,
});

// raw[seed][image] = the network's outputs for the card's 30 crops under that seed.
const raw = seeds.map(() => []);
const started = performance.now();
for (let i = 0; i < rows.length; i++) {
  const pixels = await readImageInput(path.resolve(path.dirname(a.mos), rows[i].image));
  for (const seed of [cardSeed, ...seeds.filter((s) => s !== cardSeed)]) {
    const t = preprocess(pixels, chooseProtocol(card, { cropSeed: seed }));
    const out = await session.run({ [card.input.name]: new ort.Tensor('float32', t.data, t.dims) });
    const data = out[card.output.name].data;
    if (data.length !== full || !data.every(Number.isFinite))
      throw new Error(`${rows[i].image}: expected ${full} finite outputs but received ${data.length}`);
    raw[seeds.indexOf(seed)][i] = Float32Array.from(data);
  }
  if ((i + 1) % 20 === 0)
    process.stderr.write(
      `scored ${i + 1}/${rows.length} images x ${seeds.length} seeds ` +
        `(${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
    );
}
await session.release();

const scoresFor = (seedIdx, n) =>
  raw[seedIdx].map((r) => (r.subarray(0, n).reduce((s, v) => s + v, 0) / n) * card.output.scale + card.output.offset);
const c = seeds.indexOf(cardSeed);
const reference = scoresFor(c, full);
const curve = counts.map((n) => {
  const pred = scoresFor(c, n);
  const ci = bootstrapInterval(pred, mos, srcc, { resamples: 2000, seed: 0 });
  const diff = pairedBootstrap(pred, reference, mos, srcc, { resamples: 2000, seed: 0 }).difference;
  const bySeed = seeds.map((s) => srcc(scoresFor(s, n), mos));
  const mean = bySeed.reduce((x, y) => x + y, 0) / bySeed.length;
  const sd = Math.sqrt(bySeed.reduce((x, y) => x + (y - mean) ** 2, 0) / Math.max(1, bySeed.length - 1));
  return {
    crops: n,
    srcc: ci.estimate,
    srccCi: [ci.low, ci.high],
    plcc: plcc(pred, mos),
    vsFull: { difference: diff.estimate, ci: [diff.low, diff.high] },
    seeds: { srcc: bySeed, min: Math.min(...bySeed), max: Math.max(...bySeed), mean, sd },
  };
});

// ms per image with the real scorer: decode, crops, run, alternating the counts each round.
const image = await sharp('examples/parrots.jpg').resize(500, 500).jpeg().toBuffer();
const scorers = await Promise.all(
  counts.map((n) => createScorer(a.model, { device: 'cpu', dtype: a.dtype, threads, crops: n })),
);
for (const s of scorers) await s.score(image);
const times = counts.map(() => []);
for (let r = 0; r < Number(a.rounds); r++) {
  for (let k = 0; k < scorers.length; k++) {
    const t0 = performance.now();
    await scorers[k].score(image);
    times[k].push(performance.now() - t0);
  }
}
for (const s of scorers) await s.dispose();
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
curve.forEach((row, k) => {
  row.msPerImage500 = median(times[k]);
});

const f = (v) => v.toFixed(4);
const msFull = curve.find((r) => r.crops === full)?.msPerImage500;
console.log(
  `${card.id} ${card.version} (${a.dtype}), ${rows.length} images of ${a.mos}, ` +
    `crop seeds ${seeds.join(',')} (card seed ${cardSeed}), ${threads} intra-op thread(s)`,
);
console.log(
  'crops\tSRCC (95% CI)\t\tPLCC\tSRCC - SRCC(30) (95% CI)\tSRCC over seeds: min / max / sd\tms/image 500x500\tspeed-up',
);
for (const r of curve) {
  console.log(
    `${r.crops}\t${f(r.srcc)} (${f(r.srccCi[0])}-${f(r.srccCi[1])})\t${f(r.plcc)}\t` +
      `${r.vsFull.difference >= 0 ? '+' : ''}${f(r.vsFull.difference)} ` +
      `(${f(r.vsFull.ci[0])} to ${f(r.vsFull.ci[1])})\t` +
      `${f(r.seeds.min)} / ${f(r.seeds.max)} / ${f(r.seeds.sd)}\t${r.msPerImage500.toFixed(1)}\t` +
      `${msFull ? (msFull / r.msPerImage500).toFixed(2) : '-'}x`,
  );
}
if (a.json)
  writeFileSync(
    a.json,
    `${JSON.stringify(
      {
        model: card.id,
        version: card.version,
        dtype: a.dtype,
        mos: a.mos,
        n: rows.length,
        threads,
        seeds,
        cardSeed,
        curve,
      },
      null,
      2,
    )}\n`,
  );
