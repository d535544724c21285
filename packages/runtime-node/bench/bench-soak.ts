/**
 * Soak benchmark of the scoring service (issue 23): `--requests` POST /score requests at the
 * admitted rate (`--connections` clients, each sending its next request when answered, no more
 * than the concurrency limit, so none should be refused) with a real zoo model, on 127.0.0.1.
 * Bodies are small PNGs made with sharp (64x64 noise, 16 different ones), so the cost is the
 * model's (the card's crops), not decoding. Reports latency p50/p99, RSS over time and its growth
 * after warm-up, and every answer that is not 200. Exits 1 when a request fails (anything but
 * 200, or a 503 BUSY), when in-flight is not 0 at the end, or when RSS grows more than
 * `--max-rss-growth` after warm-up.
 *
 *   npx tsc -b packages/runtime-node packages/service && \
 *     npx esbuild packages/runtime-node/bench/bench-soak.ts --bundle \
 *     --platform=node --format=esm --packages=external --outfile=node_modules/.cache/bench-soak.mjs && \
 *     node node_modules/.cache/bench-soak.mjs [--requests 10000] [--warmup 500] [--connections 4] \
 *     [--model models/mobilenetv2-ml-clive] [--max-concurrent 4] [--max-rss-growth 0.1]
 *
 * Run from the repository root (the default model is its `models/` folder, or $IQA_ZOO_MODELS).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createScorer } from '@iqa-zoo/runtime-node';
import { createServer } from '@iqa-zoo/service';
import { machineLine } from './bench-model.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '10000' },
    warmup: { type: 'string', default: '500' },
    connections: { type: 'string', default: '4' },
    model: { type: 'string' },
    'max-concurrent': { type: 'string', default: '4' },
    'max-rss-growth': { type: 'string', default: '0.1' },
    'sample-every': { type: 'string', default: '500' },
  },
});
const total = Number(values.requests);
const warmup = Number(values.warmup);
const connections = Number(values.connections);
const sampleEvery = Number(values['sample-every']);
const zooModel = join(process.env.IQA_ZOO_MODELS ?? 'models', 'mobilenetv2-ml-clive');
const model = values.model ?? (existsSync(zooModel) ? zooModel : 'mobilenetv2-ml-clive');

/** Value at quantile `q` of ascending `sorted`. */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
const mib = (bytes: number) => bytes / 2 ** 20;

const images = await Promise.all(
  Array.from({ length: 16 }, (_, i) =>
    sharp({
      create: {
        width: 64,
        height: 64,
        channels: 3,
        background: { r: 16 * i, g: 255 - 16 * i, b: 128 },
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .png()
      .toBuffer(),
  ),
);
const scorer = await createScorer(model, { device: 'cpu', onWarning: () => {} });
const app = await createServer({ scorer, maxConcurrent: Number(values['max-concurrent']) });
const url = await app.listen({ port: 0, host: '127.0.0.1' });

const latencies: number[] = [];
const failures = new Map<string, number>();
const rss: Array<{ done: number; seconds: number; mib: number }> = [];
let sent = 0;
let done = 0;
const started = performance.now();

async function client(): Promise<void> {
  while (sent < total) {
    const i = sent++;
    const t = performance.now();
    let outcome = '200';
    try {
      const res = await fetch(`${url}/score`, {
        method: 'POST',
        body: images[i % images.length],
        headers: { 'content-type': 'image/png' },
      });
      const body = (await res.json()) as { error?: { code: string } };
      if (res.status !== 200) outcome = `${res.status} ${body.error?.code ?? ''}`.trim();
    } catch (err) {
      outcome = `network ${(err as Error).message}`;
    }
    if (i >= warmup) latencies.push(performance.now() - t);
    if (outcome !== '200') failures.set(outcome, (failures.get(outcome) ?? 0) + 1);
    done++;
    if (done % sampleEvery === 0 || done === warmup) {
      const point = { done, seconds: (performance.now() - started) / 1000, mib: mib(process.memoryUsage().rss) };
      rss.push(point);
      console.log(`${point.done} requests, ${point.seconds.toFixed(0)} s, RSS ${point.mib.toFixed(1)} MiB`);
    }
  }
}

await Promise.all(Array.from({ length: connections }, client));
const seconds = (performance.now() - started) / 1000;
const health = (await (await fetch(`${url}/healthz`)).json()) as { inFlight: number };
await app.close();
await scorer.dispose();

latencies.sort((a, b) => a - b);
const afterWarmup = rss.filter((p) => p.done >= warmup);
const base = afterWarmup[0]!.mib;
const peak = Math.max(...afterWarmup.map((p) => p.mib));
const last = afterWarmup.at(-1)!.mib;
const growth = (peak - base) / base;
const fiveHundreds = [...failures]
  .filter(([k]) => k.startsWith('5') && k !== '503 BUSY')
  .reduce((n, [, c]) => n + c, 0);
const failed = [...failures.values()].reduce((a, b) => a + b, 0);
console.log(
  `\n# iqa serve soak\nmachine: ${machineLine()}\nmodel: ${scorer.card.id} (${model}), CPU; body: 64x64 PNG noise ` +
    `(16 images); ` +
    `${connections} connections, concurrency limit ${values['max-concurrent']}\n` +
    `requests: ${done} in ${seconds.toFixed(0)} s = ${(done / seconds).toFixed(2)} req/s\n` +
    `latency after ${warmup} warm-up requests: p50 ${quantile(latencies, 0.5).toFixed(0)} ms, p99 ` +
    `${quantile(latencies, 0.99).toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms\n` +
    `answers other than 200: ${failed === 0 ? 'none' : JSON.stringify(Object.fromEntries(failures))}; 5xx other than ` +
    `503 BUSY: ${fiveHundreds}\n` +
    `RSS after warm-up ${base.toFixed(1)} MiB, peak ${peak.toFixed(1)} MiB, last ${last.toFixed(1)} MiB: growth ` +
    `${(100 * growth).toFixed(1)} % (limit ${(100 * Number(values['max-rss-growth'])).toFixed(0)} %)\n` +
    `RSS over time (requests: MiB): ${afterWarmup.map((p) => `${p.done}: ${p.mib.toFixed(0)}`).join(', ')}\n` +
    `in flight at the end: ${health.inFlight}`,
);
if (failed > 0 || health.inFlight !== 0 || growth > Number(values['max-rss-growth'])) {
  console.error('soak failed: see the lines above');
  process.exitCode = 1;
}
