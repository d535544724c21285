#!/usr/bin/env node
// Where a pixel-graph model's time goes (BRISQUE: models/brisque-clive/model.onnx takes [1, H, W, 3] RGB levels),
// timed on one CLIVE photo that is 500x500 (or resized with --size WxH by core's resizeImage), decoded once.
// 1. Each model file in its own onnxruntime-node session (--threads intra-op threads, default 1), the files run in
//    turn, --rounds rounds of 3 runs each: the median and the smallest wall ms and process CPU ms of one run.
// 2. With --profile, onnxruntime's own profiler (enableProfiling) over --profile-runs runs of each file (after 2
//    warm-up runs): each node's median kernel time over the runs, summed by op type, by node and by node group
//    (the name up to its second `/`, e.g. `s1/mu`). Kernel times are wall times; the median drops the runs in
//    which a busy machine took the core away.
// Usage: node scripts/brisque-profile.mjs MODEL.onnx [MODEL2.onnx ...] [--threads 1] [--rounds 10] [--size 500x500]
//          [--profile] [--profile-runs 10] [--top 12]
// Needs the CLIVE folder (IQA_ZOO_DATA or ./data). Run `npx tsc -b packages/core packages/train` first.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resizeImage, toRgb } from '@iqa-zoo/core';
import { decodeImage } from '@iqa-zoo/image-node';
import { readMosCsv } from '@iqa-zoo/train';
import * as ort from 'onnxruntime-node';
import { DATA } from './lib/data-folder.mjs';

const { values: args, positionals: files } = parseArgs({
  allowPositionals: true,
  options: {
    threads: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '10' },
    size: { type: 'string', default: '500x500' },
    profile: { type: 'boolean', default: false },
    'profile-runs': { type: 'string', default: '10' },
    top: { type: 'string', default: '12' },
  },
});
if (files.length === 0)
  throw new Error('Expected one or more .onnx files: node scripts/brisque-profile.mjs MODEL.onnx');

let image;
for (const e of await readMosCsv(path.join(DATA, 'clive', 'mos.csv'))) {
  const img = await decodeImage(e.file);
  if (img.width === 500 && img.height === 500) {
    image = img;
    break;
  }
}
const [width, height] = args.size.split('x').map(Number);
if (args.size !== '500x500') image = resizeImage(image, width, height);
const rgb = toRgb(image);
const input = new ort.Tensor('float32', Float32Array.from(rgb.data), [1, rgb.height, rgb.width, 3]);
const options = { intraOpNumThreads: Number(args.threads), graphOptimizationLevel: 'all', logSeverityLevel: 3 };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => x.toFixed(1);

// 1. Interleaved timing.
const sessions = [];
for (const f of files) sessions.push(await ort.InferenceSession.create(readFileSync(f), options));
const scores = [];
for (const s of sessions)
  for (let i = 0; i < 3; i++) scores[sessions.indexOf(s)] = (await s.run({ image: input })).score;
const wall = files.map(() => []);
const cpu = files.map(() => []);
const load0 = os.loadavg()[0];
for (let r = 0; r < Number(args.rounds); r++) {
  for (const [k, s] of sessions.entries()) {
    for (let i = 0; i < 3; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await s.run({ image: input });
      wall[k].push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu[k].push((c.user + c.system) / 1000);
    }
  }
}
const load = Math.max(load0, os.loadavg()[0]);
await Promise.all(sessions.map((s) => s.release()));
for (const [k, f] of files.entries()) {
  console.log(
    `${f}: CPU median ${ms(median(cpu[k]))} ms (min ${ms(Math.min(...cpu[k]))}), ` +
      `wall median ${ms(median(wall[k]))} ms (min ${ms(Math.min(...wall[k]))}) per run; score ${scores[k].data[0]}`,
  );
}
console.log(
  `${wall[0].length} runs each of one ${args.size} CLIVE photo, ${args.threads} intra-op thread(s), ` +
    `${os.cpus().length} CPU cores, load average ${load.toFixed(1)}`,
);

// 2. onnxruntime's profiler.
if (args.profile) {
  const runs = Number(args['profile-runs']);
  const top = Number(args.top);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'brisque-profile-'));
  for (const f of files) {
    const s = await ort.InferenceSession.create(readFileSync(f), {
      ...options,
      enableProfiling: true,
      profileFilePrefix: path.join(dir, 'p'),
    });
    for (let i = 0; i < runs + 2; i++) await s.run({ image: input });
    await s.release();
    const [json] = readdirSync(dir);
    const events = JSON.parse(readFileSync(path.join(dir, json), 'utf8'));
    rmSync(path.join(dir, json));
    const times = new Map(); // node -> its kernel times, run by run
    const opOf = new Map();
    for (const e of events) {
      if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
      const node = e.name.slice(0, -'_kernel_time'.length);
      if (!times.has(node)) times.set(node, []);
      times.get(node).push(e.dur);
      opOf.set(node, e.args.op_name);
    }
    const byType = new Map();
    const byNode = new Map();
    const byGroup = new Map();
    const add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v);
    for (const [node, us] of times) {
      const m = median(us.slice(2));
      add(byType, opOf.get(node), m);
      add(byNode, node, m);
      add(byGroup, node.split('/').slice(0, 2).join('/'), m);
    }
    const total = [...byType.values()].reduce((a, b) => a + b, 0);
    const perRun = (us) => (us / 1000).toFixed(2);
    const list = (title, m) =>
      console.log(
        `  ${title}: ${[...m]
          .sort((a, b) => b[1] - a[1])
          .slice(0, top)
          .map(([k, v]) => `${k} ${perRun(v)}`)
          .join(', ')}`,
      );
    console.log(
      `${f}: ${byNode.size} nodes, kernels ${perRun(total)} ms per run (sum of per-node medians, ${runs} runs)`,
    );
    list('by op type (ms per run)', byType);
    list('by node', byNode);
    list('by group', byGroup);
  }
  rmSync(dir, { recursive: true });
}
