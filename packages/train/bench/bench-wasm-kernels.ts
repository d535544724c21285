/**
 * Benchmark: convolution gradient kernels on tfjs-backend-wasm (Node, 1 thread).
 *
 * Times, per shape, the forward convolution, our backprop-input (dx), tfjs-backend-wasm's own
 * Conv2DBackpropInput (the slow one we replace), and our backprop-filter (dW), and prints a markdown
 * table with the ratios to the forward pass, all measured in this one run.
 *
 * Run (from the repo root):
 *   npx tsc -b packages/core && npx esbuild packages/train/bench/bench-wasm-kernels.ts --bundle \
 *     --platform=node --format=esm --packages=external --outfile=packages/train/dist/bench/bench-wasm-kernels.mjs \
 *     && node packages/train/dist/bench/bench-wasm-kernels.mjs [--reps 3] [--quick]
 */
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradKernels } from '../src/backend/index.js';

interface ConvShape {
  label: string;
  kind: 'conv' | 'depthwise';
  x: [number, number, number, number];
  kernel: number;
  outChannels: number;
  stride: number;
}

const SHAPES: ConvShape[] = [
  { label: 'VGG conv3 3x3 128->128', kind: 'conv', x: [8, 56, 56, 128], kernel: 3, outChannels: 128, stride: 1 },
  { label: 'VGG conv4 3x3 256->256', kind: 'conv', x: [8, 28, 28, 256], kernel: 3, outChannels: 256, stride: 1 },
  { label: 'conv 3x3 64->128 stride 2', kind: 'conv', x: [8, 56, 56, 64], kernel: 3, outChannels: 128, stride: 2 },
  { label: 'MobileNetV2 1x1 24->144', kind: 'conv', x: [8, 56, 56, 24], kernel: 1, outChannels: 144, stride: 1 },
  { label: 'MobileNetV2 dw 3x3 144', kind: 'depthwise', x: [8, 56, 56, 144], kernel: 3, outChannels: 1, stride: 1 },
  { label: 'MobileNetV2 dw 3x3 96 stride 2', kind: 'depthwise', x: [8, 112, 112, 96], kernel: 3, outChannels: 1, stride: 2 },
];

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Median wall time in ms of `reps` runs after one warm-up run. */
function timeMs(reps: number, run: () => void): number {
  run();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Runs a kernel through the engine and frees its output (wasm kernels are synchronous). */
function runKernel(name: string, inputs: tf.NamedTensorMap, attrs: object): void {
  (tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor).dispose();
}

interface Row {
  label: string;
  forward: number;
  dx: number;
  dxOriginal: number | null;
  dW: number;
}

function benchShape(s: ConvShape, reps: number, original: tf.KernelConfig | undefined): Row {
  const [n, h, w, c] = s.x;
  const depthwise = s.kind === 'depthwise';
  const filterShape: [number, number, number, number] = [s.kernel, s.kernel, c, s.outChannels];
  const x = tf.randomNormal(s.x);
  const filter = tf.randomNormal(filterShape);
  const oh = Math.ceil(h / s.stride);
  const ow = Math.ceil(w / s.stride);
  const dy = tf.randomNormal([n, oh, ow, depthwise ? c : s.outChannels]);
  const base = { strides: [s.stride, s.stride], pad: 'same', dimRoundingMode: undefined };
  const convAttrs = depthwise ? { ...base, dilations: [1, 1] } : { ...base, dilations: [1, 1], dataFormat: 'NHWC' };
  const names = depthwise
    ? ['DepthwiseConv2dNative', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter']
    : ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'];
  const row: Row = {
    label: `${s.label}, x [${s.x.join(',')}]`,
    forward: timeMs(reps, () => runKernel(names[0]!, { x, filter }, convAttrs)),
    dx: timeMs(reps, () => runKernel(names[1]!, { dy, filter }, { ...convAttrs, inputShape: s.x })),
    dxOriginal: null,
    dW: timeMs(reps, () => runKernel(names[2]!, { x, dy }, { ...convAttrs, filterShape })),
  };
  if (!depthwise && original !== undefined) {
    const backend = tf.backend();
    row.dxOriginal = timeMs(Math.min(reps, 2), () => {
      const attrs = { ...convAttrs, inputShape: s.x } as unknown as tf.NamedAttrMap;
      const out = original.kernelFunc({ inputs: { dy, filter }, backend, attrs }) as tf.TensorInfo;
      backend.disposeData(out.dataId);
    });
  }
  tf.dispose([x, filter, dy]);
  return row;
}

function format(rows: Row[]): string {
  const ms = (v: number): string => v.toFixed(1);
  const ratio = (v: number, f: number): string => `${(v / f).toFixed(2)}x`;
  const lines = [
    '| shape | forward ms | dx ours ms (x fwd) | dx tfjs-wasm ms (x fwd) | dx speed-up | dW ours ms (x fwd) |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const orig = r.dxOriginal === null ? 'missing' : `${ms(r.dxOriginal)} (${ratio(r.dxOriginal, r.forward)})`;
    const speedUp = r.dxOriginal === null ? '-' : `${(r.dxOriginal / r.dx).toFixed(1)}x`;
    lines.push(
      `| ${r.label} | ${ms(r.forward)} | ${ms(r.dx)} (${ratio(r.dx, r.forward)}) | ${orig} | ${speedUp} | ${ms(r.dW)} (${ratio(r.dW, r.forward)}) |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const reps = argValue('--reps', 3);
  const quick = process.argv.includes('--quick');
  tf.env().set('PROD', true);
  setThreadsCount(1);
  if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend failed to start');
  const original = tf.getKernel('Conv2DBackpropInput', 'wasm'); // tfjs-backend-wasm's own, set up by now
  registerWasmGradKernels();
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  console.log(`tfjs ${tf.version_core}, backend ${tf.getBackend()} (SIMD ${simd}, 1 thread), Node ${process.version}, median of ${reps}`);
  const rows: Row[] = [];
  for (const s of quick ? SHAPES.map((q) => ({ ...q, x: [2, q.x[1], q.x[2], q.x[3]] as ConvShape['x'] })) : SHAPES) {
    rows.push(benchShape(s, reps, original));
    console.log(`done: ${s.label}`);
  }
  console.log(`\n${format(rows)}`);
}

await main();
