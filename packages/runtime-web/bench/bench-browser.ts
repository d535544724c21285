/**
 * Images per second in Chromium (runtime-web) against runtime-node (onnxruntime-node CPU), same model,
 * same pixels, in one run (issue 7). Target: threaded WASM within 3x of runtime-node CPU.
 *
 *   npm run bench -w @iqa-zoo/runtime-web -- [--model DIR] [--images N] [--rounds R] [--size WxH] [--threads N] \
 *     [--dtype fp32|fp16|q8] [--crops N] [--out FILE] [--no-webgpu]
 *
 * which is
 *   npx tsc -b packages/runtime-node packages/train packages/export && \
 *     node packages/runtime-web/scripts/build-browser.mjs
 *   npx esbuild packages/runtime-web/bench/bench-browser.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=node_modules/.cache/bench-browser.mjs && node node_modules/.cache/bench-browser.mjs
 *
 * --dtype, --crops: the same settings in every run (default the card's fp32 file and its crops; the page
 * gets preset 'default' so runtime-web's fast preset on WASM does not change what is compared).
 * --model: a model folder (card.json + ONNX). Default: the zoo's default model (models/index.json), else a
 * seeded vgg-small-ml (random weights: speed only) written to a temp folder.
 * Every run keeps its scorer (or page) open; after 2 warm-up images, the runs take turns, round after
 * round (--rounds, default 5, of images/rounds images each; sequential `score` calls), so a shared
 * machine's changing load hits them alike; each run's time is the median over rounds. The runs:
 *   wasm-1t        page without COOP/COEP: single-threaded WASM
 *   wasm-Nt        cross-origin isolated page, N threads (default: ORT's min(4, cores / 2), at least 2)
 *   webgpu         where Chromium finds an adapter (SwiftShader, CPU-emulated, is labelled software; 1 round of
 *                  2 images)
 *   node-cpu       runtime-node createScorer(dir, { device: 'cpu', maxBatch: 1 }) on the same raw pixels
 *   node-cpu-1t    the same with threads: 1
 *   node-ort-web   runtime-web itself under Node (onnxruntime-web's Node build: WASM, 1 thread), to tell
 *                  the cost of onnxruntime-web's WASM kernels apart from the browser's
 * --write-card: record wasm-1t's median (what runtime-web picks on 2 cores) in the model folder's card.json as a
 * `speed` entry for this size, with node-cpu of the same run as its baseline (the zoo table shows it); then
 * re-embed the card (node scripts/embed-card.mjs DIR). Only with --dtype and --crops left at the card's protocol.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type CardSpeed, validateCard } from '@iqa-zoo/core';
import { createScorer } from '@iqa-zoo/runtime-node';
import { createScorer as createWebScorer } from '../src/index.js';
import {
  WEBGPU_HARDWARE_FLAGS,
  WEBGPU_SWIFTSHADER_FLAGS,
  launch,
  probeAdapter,
} from '../../../test/browser/helpers/chromium.js';
import { createFixtureModel, writeFixtureModelDir } from '../../../test/helpers/fixture-model.js';
import { startDemoServer } from '../demo/server.mjs';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    images: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '5' },
    size: { type: 'string', default: '512x384' },
    threads: { type: 'string' },
    dtype: { type: 'string', default: 'fp32' },
    crops: { type: 'string' },
    out: { type: 'string', default: 'test-output/bench-runtime-web.json' },
    'no-webgpu': { type: 'boolean', default: false },
    'write-card': { type: 'boolean', default: false },
  },
});
const N = Number(values.images);
const [W, H] = values.size!.split('x').map(Number) as [number, number];

/** The benchmark's pixels: seeded, identical in Node and in the page (the function is sent as text). */
function makePixels(width: number, height: number, seed: number): Uint8ClampedArray {
  const data = new Uint8ClampedArray(width * height * 4);
  let s = seed >>> 0;
  for (let i = 0; i < width * height; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const x = i % width;
    const y = (i / width) | 0;
    data[4 * i] = (x * 255) / width + (s & 31);
    data[4 * i + 1] = (y * 255) / height + ((s >>> 8) & 31);
    data[4 * i + 2] = 128 + 100 * Math.sin((x + y) / 7);
    data[4 * i + 3] = 255;
  }
  return data;
}

const DTYPE = values.dtype as 'fp32' | 'fp16' | 'q8';
const CROPS = values.crops === undefined ? undefined : Number(values.crops);

function readModelBytes(dir: string): Uint8Array {
  const card = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8')) as {
    files: Record<string, { path: string } | undefined>;
  };
  const file = card.files[{ fp32: 'onnx', fp16: 'onnxFp16', q8: 'onnxQ8' }[DTYPE]];
  if (!file) throw new Error(`Expected the card in ${dir} to list a ${DTYPE} file but it does not`);
  return new Uint8Array(readFileSync(join(dir, file.path)));
}

async function modelDir(): Promise<{ dir: string; what: string }> {
  if (values.model) return { dir: resolve(values.model), what: values.model };
  const index = resolve('models/index.json');
  if (existsSync(index)) {
    const id = JSON.parse(readFileSync(index, 'utf8')).default as string;
    return { dir: resolve('models', id), what: `zoo default ${id}` };
  }
  const dir = join(mkdtempSync(join(tmpdir(), 'iqa-bench-')), 'model');
  const fixture = await createFixtureModel({
    network: 'vgg-small-ml',
    protocol: { kind: 'crops', count: 8, size: 128, seed: 0 },
  });
  await writeFixtureModelDir(dir, fixture);
  return { dir, what: 'seeded vgg-small-ml (random weights), 8 crops of 128' };
}

interface Result {
  run: string;
  device: string;
  threads?: number;
  reason?: string;
  imagesPerSecond: number;
  /** Median over rounds of the mean time per image in a round. */
  msPerImage: number;
  msPerImageRounds: number[];
  scores: number[];
}

/** One configuration, kept open across rounds: `round(seeds)` scores those images and returns the time. */
interface Runner {
  run: string;
  device: string;
  threads?: number;
  reason?: string;
  round(seeds: number[]): Promise<{ ms: number; scores: number[] }>;
  close(): Promise<void>;
}

type DemoWindow = {
  iqaDemo: {
    error?: string;
    scorer?: { device: string; deviceReason: string; threads: number; score(x: unknown): Promise<number> };
  };
};

async function browserRunner(
  run: string,
  flags: string[],
  base: string,
  params: Record<string, string>,
): Promise<Runner | string> {
  const browser = await launch(flags);
  const page = await browser.context.newPage();
  const settings = { preset: 'default', dtype: DTYPE, ...(CROPS === undefined ? {} : { crops: String(CROPS) }) };
  await page.goto(`${base}?${new URLSearchParams({ model: '/bench-model/', ...settings, ...params })}`);
  await page.waitForFunction(() => document.getElementById('device-info')?.dataset.state !== 'loading', null, {
    timeout: 180_000,
  });
  const info = await page.evaluate(
    async ({ w, h, make }) => {
      const demo = (window as unknown as DemoWindow).iqaDemo;
      if (!demo.scorer) return { error: demo.error ?? 'no scorer' };
      (window as unknown as { makePixels: unknown }).makePixels = new Function(`return ${make}`)();
      const warm = new ImageData(
        (
          window as unknown as { makePixels: (w: number, h: number, s: number) => Uint8ClampedArray<ArrayBuffer> }
        ).makePixels(w, h, 999),
        w,
        h,
      );
      await demo.scorer.score(warm);
      await demo.scorer.score(warm);
      return { device: demo.scorer.device, reason: demo.scorer.deviceReason, threads: demo.scorer.threads };
    },
    { w: W, h: H, make: makePixels.toString() },
  );
  if ('error' in info) {
    await browser.close();
    return `${run}: ${info.error}`;
  }
  return {
    run,
    device: info.device!,
    threads: info.threads,
    reason: info.reason,
    round: (seeds) =>
      page.evaluate(
        async ({ seeds, w, h }) => {
          const win = window as unknown as DemoWindow & {
            makePixels: (w: number, h: number, s: number) => Uint8ClampedArray<ArrayBuffer>;
          };
          const imgs = seeds.map((s) => new ImageData(win.makePixels(w, h, s), w, h));
          const scores: number[] = [];
          const t0 = performance.now();
          for (const img of imgs) scores.push(await win.iqaDemo.scorer!.score(img));
          return { ms: performance.now() - t0, scores };
        },
        { seeds, w: W, h: H },
      ),
    close: () => browser.close(),
  };
}

type AnyScorer = {
  device: string;
  score(x: { data: Uint8Array; width: number; height: number; channels: 4 }): Promise<number>;
  dispose(): Promise<void>;
};

async function nodeRunner(run: string, dir: string, threads: number, web = false): Promise<Runner> {
  const scorer: AnyScorer = web
    ? await createWebScorer(
        { card: JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8')), onnx: readModelBytes(dir) },
        { device: 'wasm', preset: 'default', crops: CROPS },
      )
    : await createScorer(dir, { device: 'cpu', maxBatch: 1, threads, dtype: DTYPE, crops: CROPS });
  const img = (seed: number) => ({
    data: new Uint8Array(makePixels(W, H, seed).buffer),
    width: W,
    height: H,
    channels: 4 as const,
  });
  await scorer.score(img(999));
  await scorer.score(img(999));
  return {
    run,
    device: scorer.device,
    threads: threads || undefined,
    async round(seeds) {
      const imgs = seeds.map(img);
      const scores: number[] = [];
      const t0 = performance.now();
      for (const im of imgs) scores.push(await scorer.score(im));
      return { ms: performance.now() - t0, scores };
    },
    close: () => scorer.dispose(),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Runs every runner for `rounds` rounds of `perRound` images, interleaved, so load drift hits all alike. */
async function measure(runners: Runner[], rounds: number, perRound: number): Promise<Result[]> {
  const times = runners.map(() => [] as number[]);
  const scores = runners.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    const seeds = Array.from({ length: perRound }, (_, i) => r * perRound + i + 1);
    for (const [k, runner] of runners.entries()) {
      const out = await runner.round(seeds);
      times[k]!.push(out.ms / perRound);
      scores[k]!.push(...out.scores);
    }
    console.log(
      `round ${r + 1}/${rounds}: ${runners.map((x, k) => `${x.run} ${times[k]!.at(-1)!.toFixed(0)} ms`).join(', ')}`,
    );
  }
  return runners.map((x, k) => {
    const ms = median(times[k]!);
    return {
      run: x.run,
      device: x.device,
      threads: x.threads,
      reason: x.reason,
      imagesPerSecond: 1000 / ms,
      msPerImage: ms,
      msPerImageRounds: times[k]!,
      scores: scores[k]!,
    };
  });
}

const { dir, what } = await modelDir();
// Explicit folders: this file runs bundled from node_modules/.cache, where the server's own defaults would point.
const mounts = {
  '/': resolve('packages/runtime-web/demo'),
  '/dist/': resolve('packages/runtime-web/dist/browser'),
  '/bench-model/': dir,
};
const server = await startDemoServer({ port: 0, quiet: true, mounts });
const cores = cpus().length;
const threaded = values.threads ? Number(values.threads) : Math.max(2, Math.min(4, Math.ceil(cores / 2)));
const rounds = Number(values.rounds);
const perRound = Math.max(1, Math.round(N / rounds));
const notRun: string[] = [];
console.log(
  `model: ${what} (${DTYPE}${CROPS === undefined ? '' : `, ${CROPS} crops`}); ${rounds} rounds of ${perRound} ` +
    `images of ${W}x${H}; ${cores} cores, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
);

const runners: Runner[] = [];
const add = (r: Runner | string) => (typeof r === 'string' ? notRun.push(r) : runners.push(r));
add(await nodeRunner('node-cpu', dir, 0));
add(await nodeRunner('node-cpu-1t', dir, 1));
add(await nodeRunner('node-ort-web', dir, 1, true));
add(await browserRunner('wasm-1t', [], server.url, { device: 'wasm', isolated: '0' }));
add(await browserRunner(`wasm-${threaded}t`, [], server.url, { device: 'wasm', threads: String(threaded) }));
const results = await measure(runners, rounds, perRound);
await Promise.all(runners.map((r) => r.close()));

if (!values['no-webgpu']) {
  let done = false;
  for (const flags of [WEBGPU_HARDWARE_FLAGS, WEBGPU_SWIFTSHADER_FLAGS]) {
    const b = await launch(flags);
    const probe = await probeAdapter(b.context, `${server.url}demo.css`);
    await b.close();
    if (!probe.adapter) continue;
    const software = /swiftshader/i.test(probe.adapter);
    const label = software ? 'webgpu (SwiftShader software adapter)' : `webgpu (${probe.adapter})`;
    const gpu = await browserRunner(label, flags, server.url, { device: 'webgpu' });
    if (typeof gpu === 'string') notRun.push(gpu);
    // SwiftShader emulates the GPU on the CPU (seconds per image): one round of 2 images tells its speed.
    else results.push(...(await measure([gpu], software ? 1 : rounds, software ? 2 : perRound)));
    if (typeof gpu !== 'string') await gpu.close();
    done = true;
    break;
  }
  if (!done) notRun.push('webgpu: no adapter');
}
await server.close();

const node = results.find((r) => r.run === 'node-cpu')!;
const node1 = results.find((r) => r.run === 'node-cpu-1t')!;
const maxDiff = Math.max(
  ...results.flatMap((r) =>
    r.scores.map((s, i) => Math.abs(s - node.scores[i]!) / Math.max(1, Math.abs(node.scores[i]!))),
  ),
);
console.log(
  '\n| run | device | threads | images/s | ms/image | time vs node-cpu | time vs node-cpu-1t ' +
    '|\n|---|---|---|---|---|---|---|',
);
for (const r of results) {
  const vs = (n: Result) => `${(n.imagesPerSecond / r.imagesPerSecond).toFixed(2)}x`;
  console.log(
    `| ${r.run} | ${r.device} | ${r.threads ?? 'ORT default'} | ${r.imagesPerSecond.toFixed(2)} | ` +
      `${r.msPerImage.toFixed(1)} | ${vs(node)} | ${vs(node1)} |`,
  );
}
console.log(`\nlargest score difference against node-cpu (abs-or-rel): ${maxDiff.toExponential(2)}`);
if (notRun.length) console.log(`not run: ${notRun.join('; ')}`);
const report = {
  date: new Date().toISOString(),
  model: what,
  dtype: DTYPE,
  crops: CROPS,
  rounds,
  imagesPerRound: perRound,
  size: `${W}x${H}`,
  cores,
  loadavg: loadavg(),
  results: results.map(({ scores, ...r }) => r),
  maxDiff,
  notRun,
};
writeFileSync(resolve(values.out!), `${JSON.stringify(report, null, 2)}\n`);
console.log(`wrote ${values.out}`);

if (values['write-card']) {
  if (DTYPE !== 'fp32' || CROPS !== undefined)
    throw new Error('Expected --write-card with the card protocol (no --dtype other than fp32, no --crops)');
  const wasm = results.find((r) => r.run === 'wasm-1t');
  if (!wasm) throw new Error(`Expected a wasm-1t result to write but the runs were: ${notRun.join('; ')}`);
  const file = join(dir, 'card.json');
  const card = validateCard(JSON.parse(readFileSync(file, 'utf8')), file);
  const runtime = 'Chromium (headless), onnxruntime-web wasm, 1 thread, createScorer().score on RGBA pixels';
  const load = report.loadavg[0]!.toFixed(1);
  const entry: CardSpeed = {
    runtime,
    image: report.size,
    msPerImage: Number(wasm.msPerImage.toFixed(1)),
    baseline: {
      model: card.id,
      runtime: 'onnxruntime-node cpu (its default threads)',
      msPerImage: Number(node.msPerImage.toFixed(1)),
    },
    machine: `${cores} CPU cores (${cpus()[0]?.model}), shared with other jobs: load average ${load} after the run`,
    measured: {
      command: `npm run bench -w @iqa-zoo/runtime-web -- ${process.argv.slice(2).join(' ')}`,
      runtime,
      date: report.date,
    },
  };
  const speed = [...(card.speed ?? []).filter((x) => !(x.image === entry.image && x.runtime === entry.runtime)), entry];
  writeFileSync(file, `${JSON.stringify(validateCard({ ...card, speed }, file), null, 2)}\n`);
  console.log(`wrote ${file} (speed in Chromium, ${entry.image}); re-embed it: node scripts/embed-card.mjs ${dir}`);
}
