/**
 * Benchmark: `iqa serve` under load from loopback (issue 6), with autocannon.
 * The service runs in this process (createServer + listen on 127.0.0.1, as `iqa serve` does);
 * autocannon sends `--requests` POST /score requests with one 500x500 JPEG body over
 * `--connections` connections (at most the concurrency limit, so every request is admitted).
 * Memory (RSS and V8 heap, after a forced GC) is read before and after.
 *
 *   npm run bench:serve -w @iqa-zoo/service -- [--requests 10000] [--connections 8] [--model ID|PATH]
 *     [--network vgg-tiny-ml] [--crops 4] [--size 32] [--max-concurrent 16]
 *
 * Run node with --expose-gc for the GC before each memory reading (the npm script does).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import * as tf from '@tensorflow/tfjs';
import { createScorer } from '@iqa-zoo/runtime-node';
import { createServer } from '@iqa-zoo/service';
import { benchModel, jpegFolder, machineLine } from '../../runtime-node/bench/bench-model.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '8' },
    model: { type: 'string' },
    network: { type: 'string', default: 'vgg-tiny-ml' },
    crops: { type: 'string', default: '4' },
    size: { type: 'string', default: '32' },
    'max-concurrent': { type: 'string', default: '16' },
  },
});

function memory(): { rss: number; heap: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20 };
}

await tf.setBackend('cpu');
const bm = await benchModel({
  model: values.model,
  network: values.network!,
  protocol: { kind: 'crops', count: Number(values.crops), size: Number(values.size), seed: 0 },
});
const body = await readFile(`${await jpegFolder(1)}/0000.jpg`);
const scorer = await createScorer(bm.model, { device: 'cpu', onWarning: () => {} });
const app = await createServer({ scorer, maxConcurrent: Number(values['max-concurrent']) });
const url = await app.listen({ port: 0, host: '127.0.0.1' });

const fire = (amount: number) =>
  autocannon({
    url: `${url}/score`,
    method: 'POST',
    headers: { 'content-type': 'image/jpeg' },
    body,
    connections: Number(values.connections),
    amount,
    timeout: 30,
  });

await fire(200); // warm-up: sessions, JIT, sharp's pools
const before = memory();
const r = await fire(Number(values.requests));
const after = memory();
const s5 = r['5xx'] ?? 0;
console.log(
  `# iqa serve under load\nmachine: ${machineLine()}\nmodel: ${bm.label}\n` +
    `body: one 500x500 JPEG (${body.length} B); ${values.connections} connections; ` +
    `concurrency limit ${values['max-concurrent']}\n\n` +
    `requests: ${r.requests.total} in ${r.duration.toFixed(1)} s = ${r.requests.average.toFixed(1)} req/s ` +
    '(mean of per-second samples)\n' +
    `latency: p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms\n` +
    `responses: 2xx ${r['2xx']}, non-2xx ${r.non2xx}, 5xx ${s5}, errors ${r.errors}, timeouts ${r.timeouts}\n` +
    `memory after GC: RSS ${before.rss.toFixed(1)} -> ${after.rss.toFixed(1)} MiB, ` +
    `V8 heap ${before.heap.toFixed(1)} -> ${after.heap.toFixed(1)} MiB`,
);
await app.close();
await scorer.dispose();
