import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readAverage, readCheckpointState } from '../../src/training/checkpoint.js';
import { type TrainState, trainHead } from '../../src/training/head-trainer.js';
import { splitModel } from '../../src/training/split-model.js';
import { loadModel } from '../../src/io/model-files.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A strided 3x3 convolution, cut from a dense score on its flattened output: the top trains on 18-float rows. */
function tinyNet(): tf.LayersModel {
  const x = tf.input({ shape: [8, 8, 3] });
  const c1 = tf.layers
    .conv2d({ filters: 2, kernelSize: 3, strides: 2, padding: 'valid', name: 'c1', kernelInitializer: 'ones' })
    .apply(x) as tf.SymbolicTensor;
  const flat = tf.layers.flatten({ name: 'flat' }).apply(c1) as tf.SymbolicTensor;
  const y = tf.layers
    .dense({ units: 1, name: 'score', kernelInitializer: tf.initializers.randomNormal({ seed: 5 }) })
    .apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: y });
}

/**
 * Trains the tiny top for `epochs`, with validation metrics that follow `script` (one per epoch, by epoch
 * number, so a resumed run sees the same ones), and returns the final state.
 */
async function train(
  outDir: string,
  script: number[],
  options: { epochs: number; averageFrom?: number; resume?: boolean },
): Promise<TrainState> {
  const model = tinyNet();
  const split = splitModel(model, { cut: 'c1' });
  const rows = 6;
  const features = Float32Array.from({ length: rows * split.featureSize }, (_, i) => Math.sin(i));
  const targets = tf.tensor2d(
    Array.from({ length: rows }, (_, i) => i / rows),
    [rows, 1],
  );
  let epoch = options.resume ? (await readCheckpointState<TrainState>(path.join(outDir, 'last'))).epoch : 0;
  const state = await trainHead({
    stage: 'test',
    model,
    split,
    features,
    batches: () => [
      [0, 1, 2],
      [3, 4, 5],
    ],
    loss: (scores, batch) => tf.losses.meanSquaredError(tf.gather(targets, batch), scores) as tf.Scalar,
    validate: async () => ({ srcc: script[epoch++]! }),
    selectBy: 'srcc',
    epochs: options.epochs,
    learningRate: 0.05,
    averageFrom: options.averageFrom,
    weightDecay: 0,
    dropout: 0,
    seed: 1,
    outDir,
    resume: options.resume,
  });
  targets.dispose();
  model.dispose();
  return state;
}

async function scoreKernel(dir: string): Promise<number[]> {
  const m = await loadModel(dir);
  const w = Array.from(m.getLayer('score').getWeights()[0]!.dataSync());
  m.dispose();
  return w;
}

describe('trainHead with weight averaging (averageFrom)', () => {
  let work: string;
  beforeAll(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'iqa-head-trainer-'));
  });
  afterAll(async () => {
    await fs.rm(work, { recursive: true, force: true });
  });

  it('without averaging, keeps the epoch with the highest validation metric', async () => {
    const state = await train(path.join(work, 'plain'), [0.9, 0.5, 0.4, 0.6], { epochs: 4 });
    expect(state.bestEpoch).toBe(1);
  });

  it(
    'picks the best epoch among the averaged epochs only, though a raw epoch before them validated higher, ' +
      'and best/ holds the average',
    async () => {
      const out = path.join(work, 'swa');
      const state = await train(out, [0.9, 0.5, 0.4, 0.3], { epochs: 4, averageFrom: 3 });
      expect(state).toMatchObject({ bestEpoch: 3, best: { srcc: 0.4 }, averaged: 2 });
      const rising = await train(path.join(work, 'swa-rising'), [0.9, 0.5, 0.4, 0.6], { epochs: 4, averageFrom: 3 });
      expect(rising).toMatchObject({ bestEpoch: 4, best: { srcc: 0.6 } });
      // best/ of the rising run is epoch 4's average, as saved with last/.
      const average = (await readAverage(path.join(work, 'swa-rising', 'last')))!;
      const kernel = average.find((w) => /score.*kernel/.test(w.name))!;
      expect(await scoreKernel(path.join(work, 'swa-rising', 'best'))).toEqual(Array.from(kernel.tensor.dataSync()));
      expect(await scoreKernel(path.join(work, 'swa-rising', 'last'))).not.toEqual(
        Array.from(kernel.tensor.dataSync()),
      );
    },
  );

  it('continuing a run whose last/ records a raw best: the averaged epochs still start the contest again', async () => {
    const out = path.join(work, 'continued');
    // Epochs 1-2 without averaging (best: epoch 1), then the same folder resumed with averaging from epoch 3.
    const first = await train(out, [0.9, 0.5, 0.4, 0.3], { epochs: 2 });
    expect(first.bestEpoch).toBe(1);
    const state = await train(out, [0.9, 0.5, 0.4, 0.3], { epochs: 4, averageFrom: 3, resume: true });
    expect(state).toMatchObject({ bestEpoch: 3, best: { srcc: 0.4 }, averaged: 2 });
    expect(await readCheckpointState<TrainState>(path.join(out, 'best'))).toMatchObject({ bestEpoch: 3 });
  });
});
