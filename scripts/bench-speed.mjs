#!/usr/bin/env node
// ms per image of a zoo model and of a baseline model, in one run on the same images, interleaved (round by round,
// each model scores every image once), so a busy machine slows both alike. Images: the first CLIVE photos that are
// 500x500, decoded once by @iqa-zoo/image-node (decoding is not timed); with --size WxH (e.g. 1080x800) the same
// photos resized by core's resizeImage. Each model's createScorer('<id>', { device: 'cpu' }) with its default
// threads (its card's runtime.threads, else one per core), or --threads N for both; --baseline is a zoo id, a model
// folder or an .onnx file (e.g. an older version of the model). Prints the median and mean wall ms, the process CPU
// ms (all threads) and the load average; with --write, records the median in the model's card.json as `speed` for
// that size (the zoo table and `iqa models` show it).
// The card is embedded in the model's ONNX files again (scripts/lib/model-card.mjs); then run
// node scripts/model-packages.mjs.
// Usage: node scripts/bench-speed.mjs MODEL [--baseline mobilenetv2-ml-clive] [--size 500x500] [--images 10]
//          [--rounds 3] [--threads N] [--write]
// Needs the CLIVE folder (IQA_ZOO_DATA or ./data, clive/mos.csv). Run `npm run build` first.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resizeImage } from '@iqa-zoo/core';
import { decodeImage } from '@iqa-zoo/image-node';
import { createScorer, defaultIntraOpThreads } from '@iqa-zoo/runtime-node';
import { readMosCsv } from '@iqa-zoo/train';
import { DATA } from './lib/data-folder.mjs';
import { updateCard } from './lib/model-card.mjs';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    baseline: { type: 'string', default: 'mobilenetv2-ml-clive' },
    images: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    size: { type: 'string', default: '500x500' },
    threads: { type: 'string' },
    write: { type: 'boolean', default: false },
  },
});
const model = positionals[0];
if (!model) throw new Error('Expected a model id: node scripts/bench-speed.mjs MODEL [--baseline ID] [--write]');

const entries = await readMosCsv(path.join(DATA, 'clive', 'mos.csv'));
const images = [];
for (const e of entries) {
  if (images.length === Number(args.images)) break;
  const img = await decodeImage(e.file);
  if (img.width === 500 && img.height === 500) images.push(img);
}
const [width, height] = args.size.split('x').map(Number);
if (!(width >= 16 && height >= 16)) throw new Error(`Expected --size WxH (e.g. 1080x800) but received ${args.size}`);
// Other sizes: the same photos resized (bilinear), so both sizes time the same content.
if (args.size !== '500x500') images.splice(0, images.length, ...images.map((img) => resizeImage(img, width, height)));
const ids = [model, args.baseline];
// --threads N: both scorers with N intra-op threads; else each its default: the card's runtime.threads if it has
// one, else one per core (createScorer's default).
const asked = args.threads === undefined ? undefined : Number(args.threads);
if (asked !== undefined && !(Number.isInteger(asked) && asked >= 1))
  throw new Error(`Expected --threads N (a positive integer) but received ${args.threads}`);
const scorers = await Promise.all(ids.map((id) => createScorer(id, { device: 'cpu', threads: asked })));
const threads = scorers.map((s) => asked ?? s.card.runtime?.threads ?? defaultIntraOpThreads());
for (const s of scorers) for (const img of images.slice(0, 2)) await s.score(img); // warm-up
const times = ids.map(() => []);
const cpu = ids.map(() => 0);
const load0 = os.loadavg()[0];
for (let r = 0; r < Number(args.rounds); r++) {
  for (const [k, s] of scorers.entries()) {
    const c0 = process.cpuUsage();
    for (const img of images) {
      const t0 = performance.now();
      await s.score(img);
      times[k].push(performance.now() - t0);
    }
    const c = process.cpuUsage(c0);
    cpu[k] += (c.user + c.system) / 1000;
  }
}
const load = Math.max(load0, os.loadavg()[0]);
await Promise.all(scorers.map((s) => s.dispose()));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const ms = times.map(median);
const cpuMs = cpu.map((total, k) => total / times[k].length);
const machine =
  `${os.cpus().length} CPU cores (${os.cpus()[0]?.model}), shared with other jobs: ` +
  `load average ${load.toFixed(1)} during the run`;
const command = `node scripts/bench-speed.mjs ${process.argv.slice(2).join(' ')}`;
ids.forEach((id, k) => {
  console.log(
    `${id}: median ${ms[k].toFixed(1)} ms, mean ${mean(times[k]).toFixed(1)} ms wall, ` +
      `${cpuMs[k].toFixed(1)} ms process CPU per ${args.size} image ` +
      `(${times[k].length} scores of ${images.length} CLIVE images)`,
  );
});
console.log(
  `${machine}; onnxruntime-node cpu, intra-op threads ${ids.map((id, k) => `${threads[k]} (${id})`).join(', ')}; ` +
    `Node ${process.version}`,
);

if (args.write) {
  const runtime =
    `onnxruntime-node cpu (${threads[0]} intra-op thread${threads[0] === 1 ? '' : 's'}), ` +
    'createScorer().score on decoded pixels';
  const entry = {
    runtime,
    image: args.size,
    msPerImage: Number(ms[0].toFixed(1)),
    cpuMsPerImage: Number(cpuMs[0].toFixed(1)),
    baseline: {
      model: args.baseline,
      msPerImage: Number(ms[1].toFixed(1)),
      cpuMsPerImage: Number(cpuMs[1].toFixed(1)),
    },
    machine,
    measured: { command, runtime, date: new Date().toISOString() },
  };
  const dir = path.join('models', model);
  const lines = updateCard(dir, (card) => ({
    ...card,
    speed: [
      ...(card.speed ?? []).filter((s) => !(s.image === entry.image && s.runtime.startsWith('onnxruntime-node'))),
      entry,
    ],
  }));
  console.log(`wrote ${dir}/card.json (speed) and embedded it: ${lines.join('; ')}`);
}
