/**
 * Benchmark of the exporter (issue 3), all measured in one run on this machine:
 *  1. per registered network: export time (fp32 and fp16), file sizes, ONNX node count before and
 *     after BatchNormalization folding, Transpose count;
 *  2. the fp16 variant's speed against fp32 in onnxruntime-node (CPU) and onnxruntime-web (WASM,
 *     1 thread, under Node) at the network's crop size;
 *  3. the fp16 variant's score difference from fp32 on validation images (--data, default $IQA_ZOO_DATA/clive).
 * Weights are the registry's seeded initialisation (mobilenetv2: nsfwjs backbone + seeded head):
 * the score differences are those of these weights, not of a trained zoo model.
 *
 *   npm run bench -w @iqa-zoo/export -- [--images 40] [--runs 10] [--networks a,b] [--out FILE]
 *
 * which is
 *   npx tsc -b packages/export && npx esbuild packages/export/bench/bench-export.ts --bundle --platform=node \
 *     --format=esm --packages=external --outfile=node_modules/.cache/bench-export.mjs && \
 *     node node_modules/.cache/bench-export.mjs
 */
import { promises as fs } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import sharp from 'sharp';
import { srcc } from '@iqa-zoo/core';
import { getNetwork, initTfBackend, listNetworks, type NetworkSpec } from '@iqa-zoo/train';
import { exportOnnx, toModelProto } from '@iqa-zoo/export';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '40' },
    runs: { type: 'string', default: '10' },
    networks: { type: 'string' },
    // the CLIVE folder of the training data folder (docs/training.md, "Training data")
    data: { type: 'string', default: `${process.env.IQA_ZOO_DATA ?? 'data'}/clive` },
    out: { type: 'string' },
  },
});
const IMAGES = Number(values.images);
const RUNS = Number(values.runs);
const SPEED_NETWORKS = ['vgg-small-ml', 'mobilenetv2-ml', 'vgg16-ml'];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(2);

async function timed<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now();
  const result = await fn();
  return [result, performance.now() - t0];
}

interface ExportRow {
  network: string;
  layers: number;
  params: number;
  exportMs: number;
  exportFp16Ms: number;
  bytes: number;
  bytesFp16: number;
  nodesUnfolded: number;
  nodes: number;
  batchNormUnfolded: number;
  batchNorm: number;
  transposes: number;
}

async function exportRow(name: string): Promise<{ row: ExportRow; fp32: Uint8Array; fp16: Uint8Array }> {
  const model = await getNetwork(name).build({ seed: 1 });
  const times: number[] = [];
  let fp32: Uint8Array = new Uint8Array();
  for (let i = 0; i < 3; i++) {
    const [bytes, ms] = await timed(() => exportOnnx(model));
    fp32 = bytes;
    times.push(ms);
  }
  const [fp16, fp16Ms] = await timed(() => exportOnnx(model, { fp16: true }));
  const count = (fold: boolean, op?: string): number =>
    toModelProto(model, { fold }).graph!.node!.filter((n) => !op || n.opType === op).length;
  const row: ExportRow = {
    network: name,
    layers: model.layers.length,
    params: model.countParams(),
    exportMs: median(times),
    exportFp16Ms: fp16Ms,
    bytes: fp32.byteLength,
    bytesFp16: fp16.byteLength,
    nodesUnfolded: count(false),
    nodes: count(true),
    batchNormUnfolded: count(false, 'BatchNormalization'),
    batchNorm: count(true, 'BatchNormalization'),
    transposes: count(true, 'Transpose'),
  };
  model.dispose();
  return { row, fp32, fp16 };
}

type AnyOrt = typeof ortNode | typeof ortWeb;

/** Median ms per `session.run` on one [1, 3, S, S] input after 2 warm-up runs. */
async function speed(ort: AnyOrt, bytes: Uint8Array, size: number, runs: number): Promise<number> {
  const session = await ort.InferenceSession.create(bytes);
  const data = new Float32Array(3 * size * size).map((_, i) => ((i * 7919) % 255) / 255);
  const feeds = { image: new ort.Tensor('float32', data, [1, 3, size, size]) };
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const [, ms] = await timed(() => session.run(feeds as never));
    if (i >= 2) times.push(ms);
  }
  await session.release();
  return median(times);
}

/** The first `n` validation images, resized to size x size and normalised as the network expects (NCHW). */
async function validationBatch(spec: NetworkSpec, dir: string, n: number, size: number): Promise<Float32Array[]> {
  const rows = (await fs.readFile(path.join(dir, 'mos.csv'), 'utf8'))
    .trim()
    .split('\n')
    .slice(1, n + 1);
  const [lo, hi] = spec.input.pixelRange;
  return Promise.all(
    rows.map(async (line) => {
      const { data } = await sharp(path.join(dir, line.split(',')[0]!))
        .removeAlpha()
        .resize(size, size, { fit: 'cover' })
        .raw()
        .toBuffer({ resolveWithObject: true });
      const out = new Float32Array(3 * size * size);
      for (let i = 0; i < size * size; i++) {
        for (let c = 0; c < 3; c++)
          out[c * size * size + i] =
            (lo + (data[i * 3 + c]! / 255) * (hi - lo) - spec.input.mean[c]!) / spec.input.std[c]!;
      }
      return out;
    }),
  );
}

async function scores(bytes: Uint8Array, inputs: Float32Array[], size: number): Promise<number[]> {
  const session = await ortNode.InferenceSession.create(bytes);
  const out: number[] = [];
  for (const data of inputs)
    out.push(
      (await session.run({ image: new ortNode.Tensor('float32', data, [1, 3, size, size]) })).score!.data[0] as number,
    );
  await session.release();
  return out;
}

async function main(): Promise<void> {
  const backend = await initTfBackend({ backend: 'auto' });
  ortWeb.env.wasm.numThreads = 1;
  const networks = values.networks ? values.networks.split(',') : listNetworks();
  const header =
    `Machine: ${cpus().length} x ${cpus()[0]?.model}, load ${loadavg()[0]!.toFixed(1)}; tfjs backend ` +
    `${backend.name}; Node ${process.version}; ${new Date().toISOString()}`;
  console.log(header);
  const rows: ExportRow[] = [];
  const speedRows: Array<Record<string, number | string>> = [];
  const diffRows: Array<Record<string, number | string>> = [];
  for (const name of networks) {
    const { row, fp32, fp16 } = await exportRow(name);
    rows.push(row);
    console.log(JSON.stringify(row));
    if (!SPEED_NETWORKS.includes(name)) continue;
    const spec = getNetwork(name);
    const size = spec.input.cropSize;
    const s = {
      network: name,
      size,
      nodeFp32Ms: await speed(ortNode, fp32, size, RUNS),
      nodeFp16Ms: await speed(ortNode, fp16, size, RUNS),
      webFp32Ms: await speed(ortWeb, fp32, size, Math.max(3, Math.floor(RUNS / 3))),
      webFp16Ms: await speed(ortWeb, fp16, size, Math.max(3, Math.floor(RUNS / 3))),
    };
    speedRows.push(s);
    console.log(JSON.stringify(s));
    const inputs = await validationBatch(spec, values.data!, IMAGES, size);
    const [a, b] = [await scores(fp32, inputs, size), await scores(fp16, inputs, size)];
    const diffs = a.map((x, i) => Math.abs(x - b[i]!));
    const spread = Math.max(...a) - Math.min(...a);
    const d = {
      network: name,
      images: inputs.length,
      maxAbsDiff: Math.max(...diffs),
      meanAbsDiff: diffs.reduce((x, y) => x + y, 0) / diffs.length,
      fp32ScoreRange: spread,
      srccFp32VsFp16: srcc(a, b),
    };
    diffRows.push(d);
    console.log(JSON.stringify(d));
  }
  const lines = [
    header,
    '',
    '| network | layers | params | export fp32 (ms) | export fp16 (ms) | model.onnx (MiB) | model_fp16.onnx (MiB) | ' +
      'nodes unfolded | nodes folded | BN unfolded -> folded | Transpose |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.network} | ${r.layers} | ${r.params} | ${r.exportMs.toFixed(0)} | ${r.exportFp16Ms.toFixed(0)} | ` +
        `${mb(r.bytes)} | ${mb(r.bytesFp16)} | ${r.nodesUnfolded} | ${r.nodes} | ${r.batchNormUnfolded} -> ` +
        `${r.batchNorm} | ${r.transposes} |`,
    ),
    '',
    '| network | input | ORT-node fp32 (ms) | ORT-node fp16 (ms) | ORT-web WASM 1t fp32 (ms) | ORT-web WASM 1t fp16 ' +
      '(ms) |',
    '|---|---|---|---|---|---|',
    ...speedRows.map(
      (s) =>
        `| ${s.network} | 1x3x${s.size}x${s.size} | ${(s.nodeFp32Ms as number).toFixed(1)} | ` +
        `${(s.nodeFp16Ms as number).toFixed(1)} | ${(s.webFp32Ms as number).toFixed(1)} | ` +
        `${(s.webFp16Ms as number).toFixed(1)} |`,
    ),
    '',
    '| network | images | max abs diff fp16 vs fp32 | mean abs diff | fp32 score range | SRCC fp32 vs fp16 |',
    '|---|---|---|---|---|---|',
    ...diffRows.map(
      (d) =>
        `| ${d.network} | ${d.images} | ${(d.maxAbsDiff as number).toExponential(2)} | ` +
        `${(d.meanAbsDiff as number).toExponential(2)} | ${(d.fp32ScoreRange as number).toExponential(2)} | ` +
        `${(d.srccFp32VsFp16 as number).toFixed(4)} |`,
    ),
  ];
  console.log(`\n${lines.join('\n')}`);
  if (values.out) await fs.writeFile(values.out, `${JSON.stringify({ header, rows, speedRows, diffRows }, null, 2)}\n`);
}

await main();
