#!/usr/bin/env node
// Old code against new code in one process, as ratios: the same model scored through the scoring packages of an
// older commit (built by scripts/bench-old-build.mjs into --old DIR; default the folder it builds for HEAD) and
// through this checkout's, on the same images, interleaved image by image (old then new, new then old on the next
// image), so a busy machine slows both alike. Each side is createScorer(MODEL, { device: 'cpu', threads, crops }) of
// its own runtime-node; --old-model gives the old side another model (e.g. a folder holding an older model.onnx and
// its card). Images: the first --images CLIVE photos that are 500x500, resized by sharp to --size, or with --mos CSV
// every photo that CSV lists, at its own size (e.g. the 186 validation photos: the score check over all of them).
// --input pixels scores decoded RGBA pixels, --input jpeg the JPEG bytes (quality 90), so decoding is timed too,
// --input file the photo's file path (as `iqa score` and `iqa eval` do: reading and decoding are timed).
// Prints, per side, the median wall ms and the process CPU ms per image (the CPU of the score call, all threads; and
// of it, the CPU of onnxruntime's session.run and the rest: decoding, preprocessing, tensors), old/new ratios, the
// largest |score difference| between the two sides and the load average before and after. Exits non-zero if a
// score fails or the sides differ by more than --tolerance.
// Usage: node scripts/bench-paths.mjs MODEL [--old DIR] [--old-model DIR] [--input pixels|jpeg|file]
//          [--size 500x500 | --mos CSV] [--images 10] [--rounds 5] [--threads N] [--crops N] [--tolerance 0]
// Needs the CLIVE folder (IQA_ZOO_DATA or ./data) and `npm run build`.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createScorer } from '@iqa-zoo/runtime-node';
import { readMosCsv } from '@iqa-zoo/train';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { DATA } from './lib/data-folder.mjs';

const { values: a, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    old: { type: 'string' },
    'old-model': { type: 'string' },
    input: { type: 'string', default: 'pixels' },
    size: { type: 'string', default: '500x500' },
    mos: { type: 'string' },
    images: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
    threads: { type: 'string' },
    crops: { type: 'string' },
    tolerance: { type: 'string', default: '0' },
  },
});
const model = positionals[0];
if (!model) throw new Error('Expected a model: node scripts/bench-paths.mjs MODEL [--old DIR] [--input jpeg]');
if (!['pixels', 'jpeg', 'file'].includes(a.input))
  throw new Error(`Expected --input pixels, jpeg or file but received ${JSON.stringify(a.input)}`);
if (a.input === 'file' && !a.mos)
  throw new Error('Expected --mos CSV with --input file (the photos at their own size)');
const [width, height] = a.size.split('x').map(Number);
if (!(width >= 16 && height >= 16)) throw new Error(`Expected --size WxH (e.g. 1080x800) but received ${a.size}`);
const posInt = (name) => {
  if (a[name] === undefined) return undefined;
  const v = Number(a[name]);
  if (!(Number.isInteger(v) && v >= 1))
    throw new Error(`Expected --${name} N (a positive integer) but received ${a[name]}`);
  return v;
};
const head = execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim();
const oldEntry = path.resolve(
  a.old ?? path.join(os.tmpdir(), `iqa-zoo-old-${head}`),
  'packages/runtime-node/dist/index.js',
);
const old = await import(pathToFileURL(oldEntry).href).catch((err) => {
  throw new Error(`Expected the old build at ${oldEntry} (node scripts/bench-old-build.mjs) but: ${err.message}`);
});

// The photos, as RGBA pixels or JPEG bytes of --size (or their own, with --mos).
const images = [];
for (const e of await readMosCsv(a.mos ?? path.join(DATA, 'clive', 'mos.csv'))) {
  if (!a.mos && images.length === posInt('images')) break;
  const meta = await sharp(e.file).metadata();
  if (!a.mos && (meta.width !== 500 || meta.height !== 500)) continue;
  const resized = a.mos ? sharp(e.file) : sharp(e.file).resize(width, height, { fit: 'fill' });
  if (a.input === 'file') images.push(e.file);
  else if (a.input === 'jpeg') images.push(await resized.jpeg({ quality: 90 }).toBuffer());
  else {
    const { data, info } = await resized.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    images.push({ data: new Uint8Array(data), width: info.width, height: info.height, channels: 4 });
  }
}

const options = { device: 'cpu', threads: posInt('threads'), crops: posInt('crops') };
const sides = [
  { name: 'old', scorer: await old.createScorer(a['old-model'] ?? model, options) },
  { name: 'new', scorer: await createScorer(model, options) },
];
for (const s of sides) for (const img of images.slice(0, 2)) await s.scorer.score(img); // warm-up
for (const s of sides) Object.assign(s, { wall: [], cpu: [], run: [], scores: [] });
// Both sides' runtime-node load this same onnxruntime-node: its session.run is timed in place (process CPU), so
// the rest of a score (decoding, preprocessing, tensors, aggregation) is the score's CPU less it.
let runCpu = 0;
const run = ort.InferenceSession.prototype.run;
ort.InferenceSession.prototype.run = async function (...args) {
  const c0 = process.cpuUsage();
  try {
    return await run.apply(this, args);
  } finally {
    const c = process.cpuUsage(c0);
    runCpu += (c.user + c.system) / 1000;
  }
};
const load0 = os.loadavg();
for (let r = 0; r < posInt('rounds'); r++) {
  for (const [i, img] of images.entries()) {
    for (const s of (r + i) % 2 === 0 ? sides : [...sides].reverse()) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      runCpu = 0;
      const score = await s.scorer.score(img);
      s.wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      s.cpu.push((c.user + c.system) / 1000);
      s.run.push(runCpu);
      if (r === 0) s.scores.push(score);
    }
  }
}
const load1 = os.loadavg();
await Promise.all(sides.map((s) => s.scorer.dispose()));

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const mean = (xs) => xs.reduce((x, y) => x + y, 0) / xs.length;
const [o, n] = sides;
const diff = Math.max(...o.scores.map((s, i) => Math.abs(s - n.scores[i])));
const threads = sides.map((s) => s.scorer.deviceReason.split('; ').at(-1)).join(' / ');
console.log(
  `${model}${a['old-model'] ? ` (old side: ${a['old-model']})` : ''}, ${a.input} ${a.mos ? `of ${a.mos}` : a.size}, ` +
    `${images.length} CLIVE ` +
    `photos x ${a.rounds} rounds, interleaved; ${threads}; crops ${options.crops ?? "the card's"}`,
);
for (const s of sides) {
  console.log(
    `${s.name}: median ${median(s.wall).toFixed(2)} ms wall (mean ${mean(s.wall).toFixed(2)}), ` +
      `median ${median(s.cpu).toFixed(2)} ms CPU (mean ${mean(s.cpu).toFixed(2)}) per image, of which session.run ` +
      `${median(s.run).toFixed(2)} ms (median), the rest ${median(s.cpu.map((c, k) => c - s.run[k])).toFixed(2)} ms`,
  );
}
console.log(
  `old/new: wall ${(median(o.wall) / median(n.wall)).toFixed(3)}x, ` +
    `CPU ${(median(o.cpu) / median(n.cpu)).toFixed(3)}x (medians); ` +
    `largest |score difference| ${diff.toExponential(2)} over ${o.scores.length} images`,
);
console.log(
  `load average ${load0.map((x) => x.toFixed(2)).join(' ')} before, ${load1.map((x) => x.toFixed(2)).join(' ')} ` +
    `after; ${os.cpus().length} CPU cores (${os.cpus()[0]?.model}); Node ${process.version}`,
);
if (!(diff <= Number(a.tolerance))) {
  console.error(`Expected scores within ${a.tolerance} of the old code's but the largest difference is ${diff}`);
  process.exitCode = 1;
}
