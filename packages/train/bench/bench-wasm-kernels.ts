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
 *     && node packages/train/dist/bench/bench-wasm-kernels.mjs [--reps 3] [--quick] [--cpu] [--networks a,b]
 * --quick: batch 2 instead of 8 and 32px train-step models instead of 64px; --cpu: also time the
 * train steps on the pure-JS cpu backend (minutes); --networks vgg-small-ml,mobilenetv2-ml: also time
 * SGD steps of registered iqa-zoo networks (batch 8, their crop size).
 */
import { cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradKernels } from '../src/backend/index.js';
import { getNetwork } from '../src/networks/index.js';

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
  {
    label: 'MobileNetV2 dw 3x3 96 stride 2',
    kind: 'depthwise',
    x: [8, 112, 112, 96],
    kernel: 3,
    outChannels: 1,
    stride: 2,
  },
];

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/**
 * Times several variants round-robin (one warm-up round, then `reps` rounds) and returns each one's
 * median in ms. Interleaving keeps the ratios fair when the machine's load drifts during the run.
 */
function timeInterleaved(reps: number, variants: Array<(() => void) | null>): Array<number | null> {
  const times: number[][] = variants.map(() => []);
  for (let r = 0; r <= reps; r++) {
    variants.forEach((run, i) => {
      if (run === null) return;
      const t0 = performance.now();
      run();
      if (r > 0) times[i]!.push(performance.now() - t0);
    });
  }
  return times.map((t) => (t.length === 0 ? null : t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!));
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
  const backend = tf.backend();
  const inputAttrs = { ...convAttrs, inputShape: s.x };
  const runOriginal =
    depthwise || original === undefined
      ? null
      : () => {
          const inputs = { dy, filter } as unknown as tf.NamedTensorInfoMap;
          const out = original.kernelFunc({
            inputs,
            backend,
            attrs: inputAttrs as unknown as tf.NamedAttrMap,
          }) as tf.TensorInfo;
          backend.disposeData(out.dataId);
        };
  const [forward, dx, dxOriginal, dW] = timeInterleaved(reps, [
    () => runKernel(names[0]!, { x, filter }, convAttrs),
    () => runKernel(names[1]!, { dy, filter }, inputAttrs),
    runOriginal,
    () => runKernel(names[2]!, { x, dy }, { ...convAttrs, filterShape }),
  ]);
  const row: Row = {
    label: `${s.label}, x [${s.x.join(',')}]`,
    forward: forward!,
    dx: dx!,
    dxOriginal: dxOriginal ?? null,
    dW: dW!,
  };
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
      `| ${r.label} | ${ms(r.forward)} | ${ms(r.dx)} (${ratio(r.dx, r.forward)}) | ${orig} | ${speedUp} | ` +
        `${ms(r.dW)} (${ratio(r.dW, r.forward)}) |`,
    );
  }
  return lines.join('\n');
}

/**
 * A VGG-style stack (3x3 convs, max pools) and a MobileNetV2-style stack (strided conv, 1x1 expand, depthwise, 1x1
 * project).
 */
function buildStepModels(size: number): Array<{ label: string; model: tf.Sequential }> {
  const conv = (filters: number, kernelSize: number, strides = 1, activation: 'relu' | 'linear' = 'relu') =>
    tf.layers.conv2d({ filters, kernelSize, strides, padding: 'same', activation });
  const vgg = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [size, size, 3],
        filters: 32,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
      }),
      conv(32, 3),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      conv(64, 3),
      conv(64, 3),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 1 }),
    ],
  });
  const dw = (strides: number) =>
    tf.layers.depthwiseConv2d({ kernelSize: 3, strides, padding: 'same', activation: 'relu' });
  const mobile = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [size, size, 3],
        filters: 32,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
      }),
      conv(96, 1),
      dw(2),
      conv(24, 1, 1, 'linear'),
      conv(144, 1),
      dw(1),
      conv(24, 1, 1, 'linear'),
      conv(144, 1),
      dw(2),
      conv(32, 1, 1, 'linear'),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 1 }),
    ],
  });
  return [
    { label: `VGG-style, 4 conv 3x3 (32-64 ch), input [8,${size},${size},3]`, model: vgg },
    { label: `MobileNetV2-style, 3 inverted residual blocks, input [8,${size},${size},3]`, model: mobile },
  ];
}

/** ms per SGD step (forward + backward + update) of each model on wasm (and on cpu with `withCpu`). */
async function benchTrainSteps(size: number, reps: number, withCpu: boolean): Promise<string> {
  const lines = withCpu
    ? ['| model | wasm ms/step | cpu ms/step | cpu / wasm |', '|---|---:|---:|---:|']
    : ['| model | wasm ms/step |', '|---|---:|'];
  for (const { label, model } of buildStepModels(size)) {
    const x = tf.randomNormal([8, size, size, 3]);
    const y = tf.randomNormal([8, 1]);
    const optimizer = tf.train.sgd(1e-3);
    const step = () =>
      optimizer.minimize(() => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar);
    const perBackend: number[] = [];
    for (const backend of withCpu ? ['wasm', 'cpu'] : ['wasm']) {
      await tf.setBackend(backend);
      perBackend.push(timeInterleaved(backend === 'cpu' ? 1 : reps, [step])[0]!);
    }
    await tf.setBackend('wasm');
    const [wasm, cpu] = perBackend as [number, number | undefined];
    lines.push(
      `| ${label} | ${wasm.toFixed(0)} ` +
        `|${cpu === undefined ? '' : ` ${cpu.toFixed(0)} | ${(cpu / wasm).toFixed(0)}x |`}`,
    );
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }
  return lines.join('\n');
}

/** ms per SGD step of registered iqa-zoo networks at their crop size, batch 8 (wasm only). */
async function benchNetworks(names: string[], reps: number): Promise<string> {
  const lines = [
    '| network | input | trainable params | first step ms | ms/step | tensors leaked per step |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const name of names) {
    const spec = getNetwork(name);
    const model = await spec.build();
    const size = spec.input.cropSize;
    const x = tf.randomNormal([8, size, size, 3]);
    const y = tf.randomNormal([8, ...(model.outputs[0]!.shape.slice(1) as number[])]);
    const optimizer = tf.train.sgd(1e-4);
    const step = () =>
      optimizer.minimize(() => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar);
    const t0 = performance.now();
    step();
    const first = performance.now() - t0;
    const before = tf.memory().numTensors;
    const ms = timeInterleaved(reps, [step])[0]!;
    const leaked = (tf.memory().numTensors - before) / (reps + 1);
    const trainable = model.trainableWeights.reduce(
      (sum, w) => sum + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1),
      0,
    );
    lines.push(
      `| ${name} | [8,${size},${size},3] | ${trainable} | ${first.toFixed(0)} | ${ms.toFixed(0)} | ${leaked} |`,
    );
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
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
  console.log(
    `load average at the start: ${loadavg()
      .map((v) => v.toFixed(1))
      .join(', ')} on ${cpus().length} cores`,
  );
  console.log(
    `tfjs ${tf.version_core}, backend ${tf.getBackend()} (SIMD ${simd}, 1 thread), Node ${process.version}, median ` +
      `of ${reps}`,
  );
  const rows: Row[] = [];
  for (const s of quick ? SHAPES.map((q) => ({ ...q, x: [2, q.x[1], q.x[2], q.x[3]] as ConvShape['x'] })) : SHAPES) {
    rows.push(benchShape(s, reps, original));
    console.log(`done: ${s.label}`);
  }
  console.log(`\n${format(rows)}`);
  const stepSize = quick ? 32 : 64;
  console.log(`\n${await benchTrainSteps(stepSize, reps, process.argv.includes('--cpu'))}`);
  const networks = process.argv.indexOf('--networks');
  if (networks >= 0) console.log(`\n${await benchNetworks(process.argv[networks + 1]!.split(','), reps)}`);
  console.log(
    `\nload average at the end: ${loadavg()
      .map((v) => v.toFixed(1))
      .join(', ')} on ${cpus().length} cores`,
  );
}

await main();
