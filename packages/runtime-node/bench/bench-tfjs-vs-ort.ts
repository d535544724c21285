/**
 * Benchmark: the same network and weights in tfjs (wasm backend, as @iqa-zoo/train runs it) and in
 * onnxruntime-node (CPU, after @iqa-zoo/export), on the same batch of crops, in one run (issue 6).
 *
 *   npm run bench:tfjs -w @iqa-zoo/runtime-node -- [--network mobilenetv2-ml] [--crops 30] [--runs 5]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import { initTfBackend } from '@iqa-zoo/train';
import { benchModel, machineLine, median } from './bench-model.js';

const { values } = parseArgs({
  options: {
    network: { type: 'string', default: 'mobilenetv2-ml' },
    crops: { type: 'string', default: '30' },
    size: { type: 'string', default: '224' },
    runs: { type: 'string', default: '5' },
  },
});
const n = Number(values.crops);
const size = Number(values.size);
const runs = Number(values.runs);

const backend = await initTfBackend({ backend: 'wasm' });
const bm = await benchModel({ network: values.network!, protocol: { kind: 'crops', count: n, size, seed: 0 } });
const model = bm.fixture!.model;
const onnxBytes = bm.fixture!.onnx;
const nchw = new Float32Array(n * 3 * size * size).map((_, i) => ((i * 2654435761) % 1000) / 1000);

// tfjs takes NHWC.
const nhwc = tf.tidy(() => tf.tensor4d(nchw, [n, 3, size, size]).transpose([0, 2, 3, 1]));
const tfTimes: number[] = [];
let tfOut: Float32Array = new Float32Array();
for (let i = 0; i <= runs; i++) {
  const t0 = performance.now();
  const y = model.predict(nhwc) as tf.Tensor;
  tfOut = (await y.data()) as Float32Array;
  y.dispose();
  if (i > 0) tfTimes.push(performance.now() - t0);
}

const session = await ort.InferenceSession.create(onnxBytes, {
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all',
});
const inputName = session.inputNames[0]!;
const ortTimes: number[] = [];
let ortOut: Float32Array = new Float32Array();
for (let i = 0; i <= runs; i++) {
  const t0 = performance.now();
  const res = await session.run({ [inputName]: new ort.Tensor('float32', nchw, [n, 3, size, size]) });
  ortOut = res[session.outputNames[0]!]!.data as Float32Array;
  if (i > 0) ortTimes.push(performance.now() - t0);
}
let maxDiff = 0;
for (let i = 0; i < n; i++) maxDiff = Math.max(maxDiff, Math.abs(tfOut[i]! - ortOut[i]!));

const tfMs = median(tfTimes);
const ortMs = median(ortTimes);
console.log(
  `# tfjs (${backend.name}) vs onnxruntime-node (cpu)\nmachine: ${machineLine()}\nmodel: ${bm.label}\nbatch: [${n}, ` +
    `3, ${size}, ${size}], median of ${runs} runs after one warm-up\n\n` +
    `tfjs ${backend.name}: ${tfMs.toFixed(0)} ms per batch\nonnxruntime-node: ${ortMs.toFixed(0)} ms per batch\n` +
    `ratio tfjs / onnxruntime-node: ${(tfMs / ortMs).toFixed(2)}x\nmax |score difference|: ${maxDiff.toExponential(2)}`,
);
await session.release();
