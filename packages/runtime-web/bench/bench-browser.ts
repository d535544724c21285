/**
 * Images per second in Chromium (runtime-web) against runtime-node (onnxruntime-node CPU), same model,
 * same pixels, in one run (issue 7). Target: threaded WASM within 3x of runtime-node CPU.
 *
 *   npm run bench -w @iqa-zoo/runtime-web -- [--model DIR] [--images N] [--size WxH] [--threads N] [--out FILE]
 *
 * which is
 *   npx tsc -b packages/runtime-node packages/train packages/export && node packages/runtime-web/scripts/build-browser.mjs
 *   npx esbuild packages/runtime-web/bench/bench-browser.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=node_modules/.cache/bench-browser.mjs && node node_modules/.cache/bench-browser.mjs
 *
 * --model: a model folder (card.json + ONNX). Default: the zoo's default model (models/index.json), else a
 * seeded vgg-small-ml (random weights: speed only) written to a temp folder.
 * Runs, each on a fresh page, sequential `score(ImageData)` calls after 2 warm-up images:
 *   wasm-1t        page without COOP/COEP: single-threaded WASM
 *   wasm-Nt        cross-origin isolated page, N threads (default: ORT's min(4, cores / 2), at least 2)
 *   webgpu         where Chromium finds an adapter (SwiftShader, CPU-emulated, is labelled software)
 *   node-cpu       runtime-node createScorer(dir, { device: 'cpu', maxBatch: 1 }) on the same raw pixels
 *   node-cpu-1t    the same with threads: 1
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createScorer } from '@iqa-zoo/runtime-node';
import { WEBGPU_HARDWARE_FLAGS, WEBGPU_SWIFTSHADER_FLAGS, launch, probeAdapter } from '../../../test/browser/helpers/chromium.js';
import { createFixtureModel, writeFixtureModelDir } from '../../../test/helpers/fixture-model.js';
import { startDemoServer } from '../demo/server.mjs';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    images: { type: 'string', default: '20' },
    size: { type: 'string', default: '512x384' },
    threads: { type: 'string' },
    out: { type: 'string', default: 'test-output/bench-runtime-web.json' },
    'no-webgpu': { type: 'boolean', default: false },
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

async function modelDir(): Promise<{ dir: string; what: string }> {
  if (values.model) return { dir: resolve(values.model), what: values.model };
  const index = resolve('models/index.json');
  if (existsSync(index)) {
    const id = JSON.parse(readFileSync(index, 'utf8')).default as string;
    return { dir: resolve('models', id), what: `zoo default ${id}` };
  }
  const dir = join(mkdtempSync(join(tmpdir(), 'iqa-bench-')), 'model');
  const fixture = await createFixtureModel({ network: 'vgg-small-ml', protocol: { kind: 'crops', count: 8, size: 128, seed: 0 } });
  await writeFixtureModelDir(dir, fixture);
  return { dir, what: 'seeded vgg-small-ml (random weights), 8 crops of 128' };
}

interface Result {
  run: string;
  device: string;
  threads?: number;
  reason?: string;
  imagesPerSecond: number;
  msPerImage: number;
  scores: number[];
}

async function browserRun(name: string, flags: string[], base: string, params: Record<string, string>): Promise<Result | string> {
  const browser = await launch(flags);
  try {
    const page = await browser.context.newPage();
    await page.goto(`${base}?${new URLSearchParams({ model: '/bench-model/', ...params })}`);
    await page.waitForFunction(() => document.getElementById('device-info')?.dataset.state !== 'loading', null, { timeout: 180_000 });
    const out = await page.evaluate(
      async ({ n, w, h, make }) => {
        const demo = (window as unknown as { iqaDemo: { error?: string; scorer?: { device: string; deviceReason: string; threads: number; score(x: unknown): Promise<number> } } }).iqaDemo;
        if (!demo.scorer) return { error: demo.error ?? 'no scorer' };
        const makePixels = new Function(`return ${make}`)() as (w: number, h: number, s: number) => Uint8ClampedArray;
        const imgs = Array.from({ length: n }, (_, i) => new ImageData(makePixels(w, h, i + 1) as Uint8ClampedArray<ArrayBuffer>, w, h));
        const warm = new ImageData(makePixels(w, h, 999) as Uint8ClampedArray<ArrayBuffer>, w, h);
        await demo.scorer.score(warm);
        await demo.scorer.score(warm);
        const scores: number[] = [];
        const t0 = performance.now();
        for (const img of imgs) scores.push(await demo.scorer.score(img));
        const ms = performance.now() - t0;
        return { ms, scores, device: demo.scorer.device, reason: demo.scorer.deviceReason, threads: demo.scorer.threads };
      },
      { n: N, w: W, h: H, make: makePixels.toString() },
    );
    if ('error' in out) return `${name}: ${out.error}`;
    return { run: name, device: out.device!, threads: out.threads, reason: out.reason, imagesPerSecond: (N * 1000) / out.ms!, msPerImage: out.ms! / N, scores: out.scores! };
  } finally {
    await browser.close();
  }
}

async function nodeRun(name: string, dir: string, threads: number): Promise<Result> {
  const scorer = await createScorer(dir, { device: 'cpu', maxBatch: 1, threads });
  const img = (seed: number) => ({ data: new Uint8Array(makePixels(W, H, seed).buffer), width: W, height: H, channels: 4 as const });
  await scorer.score(img(999));
  await scorer.score(img(999));
  const imgs = Array.from({ length: N }, (_, i) => img(i + 1));
  const scores: number[] = [];
  const t0 = performance.now();
  for (const im of imgs) scores.push(await scorer.score(im));
  const ms = performance.now() - t0;
  await scorer.dispose();
  return { run: name, device: scorer.device, threads: threads || undefined, imagesPerSecond: (N * 1000) / ms, msPerImage: ms / N, scores };
}

const { dir, what } = await modelDir();
// Explicit folders: this file runs bundled from node_modules/.cache, where the server's own defaults would point.
const mounts = { '/': resolve('packages/runtime-web/demo'), '/dist/': resolve('packages/runtime-web/dist/browser'), '/bench-model/': dir };
const server = await startDemoServer({ port: 0, quiet: true, mounts });
const cores = cpus().length;
const threaded = values.threads ? Number(values.threads) : Math.max(2, Math.min(4, Math.ceil(cores / 2)));
const results: Result[] = [];
const notRun: string[] = [];
const keep = (r: Result | string) => {
  console.log(typeof r === 'string' ? `not run: ${r}` : `${r.run}: ${r.imagesPerSecond.toFixed(2)} images/s`);
  return typeof r === 'string' ? notRun.push(r) : results.push(r);
};
console.log(`model: ${what}; ${N} images of ${W}x${H}; ${cores} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

keep(await nodeRun('node-cpu', dir, 0));
keep(await nodeRun('node-cpu-1t', dir, 1));
keep(await browserRun('wasm-1t', [], server.url, { device: 'wasm', isolated: '0' }));
keep(await browserRun(`wasm-${threaded}t`, [], server.url, { device: 'wasm', threads: String(threaded) }));
if (!values['no-webgpu']) {
  let done = false;
  for (const flags of [WEBGPU_HARDWARE_FLAGS, WEBGPU_SWIFTSHADER_FLAGS]) {
    const b = await launch(flags);
    const probe = await probeAdapter(b.context, `${server.url}demo.css`);
    await b.close();
    if (!probe.adapter) continue;
    const label = /swiftshader/i.test(probe.adapter) ? 'webgpu (SwiftShader software adapter)' : `webgpu (${probe.adapter})`;
    keep(await browserRun(label, flags, server.url, { device: 'webgpu' }));
    done = true;
    break;
  }
  if (!done) notRun.push('webgpu: no adapter');
}
await server.close();

const node = results.find((r) => r.run === 'node-cpu')!;
const maxDiff = Math.max(...results.flatMap((r) => r.scores.map((s, i) => Math.abs(s - node.scores[i]!) / Math.max(1, Math.abs(node.scores[i]!)))));
console.log('\n| run | device | threads | images/s | ms/image | vs node-cpu |\n|---|---|---|---|---|---|');
for (const r of results) {
  console.log(`| ${r.run} | ${r.device} | ${r.threads ?? 'ORT default'} | ${r.imagesPerSecond.toFixed(2)} | ${r.msPerImage.toFixed(1)} | ${(node.imagesPerSecond / r.imagesPerSecond).toFixed(2)}x slower |`);
}
console.log(`\nlargest score difference against node-cpu (abs-or-rel): ${maxDiff.toExponential(2)}`);
if (notRun.length) console.log(`not run: ${notRun.join('; ')}`);
const report = { date: new Date().toISOString(), model: what, images: N, size: `${W}x${H}`, cores, loadavg: loadavg(), results: results.map(({ scores, ...r }) => r), maxDiff, notRun };
writeFileSync(resolve(values.out!), `${JSON.stringify(report, null, 2)}\n`);
console.log(`wrote ${values.out}`);
