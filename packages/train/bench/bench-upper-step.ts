/**
 * What one training step of the upper blocks costs (issue 5's 60-minute budget): `mobilenetv2-ml`
 * cut at `block_15_add`, a batch of 64 cached rows (random numbers of the right shape), forward,
 * backward and the gradients of block 16, `Conv_1` and the head, as stage 2's loop runs it. Times
 * the frozen BatchNormalization layers above the cut folded into one affine map (what training
 * uses) against running them through the layer (tfjs' FusedBatchNorm and its gradient), in one
 * run, and checks that both give the same gradients.
 *
 *   npx esbuild packages/train/bench/bench-upper-step.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=node_modules/.cache/bench-upper-step.mjs \
 *   && node node_modules/.cache/bench-upper-step.mjs [--steps 8] [--batch 64]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { getNetwork, initTfBackend, splitModel, type SplitModel } from '@iqa-zoo/train';

const { values } = parseArgs({
  options: { steps: { type: 'string', default: '8' }, batch: { type: 'string', default: '64' } },
});
const steps = Number(values.steps);
const batch = Number(values.batch);
const backend = await initTfBackend({ backend: 'auto' });
console.log(
  `backend ${backend.name}; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

const model = await getNetwork('mobilenetv2-ml').build({ pooling: ['avg', 'std'], hidden: 0, dropout: 0.5, seed: 1 });
const folded = splitModel(model, { cut: 'block_15_add', cropSize: 224 });
const layered = splitModel(model, { cut: 'block_15_add', cropSize: 224, foldBatchNorm: false });
const rows = tf.randomNormal([batch, folded.featureSize], 0, 1, 'float32', 1) as tf.Tensor2D;

function gradients(split: SplitModel): Float32Array[] {
  const { value, grads } = tf.variableGrads(
    () => tf.mean(tf.square(split.forward(rows, 0.5, 1))) as tf.Scalar,
    split.vars,
  );
  const out = split.vars.map((v) => grads[v.name]!.dataSync() as Float32Array);
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

/**
 * Median milliseconds per step of each split, steps alternating between them (so a change in load hits both), after a
 * warm-up step each.
 */
function time(splits: SplitModel[]): number[] {
  splits.forEach((split) => {
    gradients(split);
  });
  const ms: number[][] = splits.map(() => []);
  for (let i = 0; i < steps; i++) {
    splits.forEach((split, j) => {
      const t0 = performance.now();
      gradients(split);
      ms[j]!.push(performance.now() - t0);
    });
  }
  return ms.map((m) => m.sort((x, y) => x - y)[Math.floor(m.length / 2)]!);
}

const a = gradients(folded);
const b = gradients(layered);
let worst = 0;
a.forEach((g, i) => {
  g.forEach((v, k) => {
    worst = Math.max(worst, Math.abs(v - b[i]![k]!) / (Math.abs(b[i]![k]!) + 1e-3));
  });
});
console.log(`largest relative gradient difference, folded vs layer: ${worst.toExponential(2)}`);
const [layerMs, foldedMs] = time([layered, folded]) as [number, number];
console.log(
  `step of ${batch} rows above block_15_add, median of ${steps}: BatchNormalization through the layer ` +
    `${layerMs.toFixed(0)} ms, folded ${foldedMs.toFixed(0)} ms: ${(layerMs / foldedMs).toFixed(2)}x`,
);
