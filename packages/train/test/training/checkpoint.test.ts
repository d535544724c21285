import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { restoreOptimizer, saveCheckpoint } from '../../src/training/checkpoint.js';

let work: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'iqa-ckpt-'));
});

afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

/**
 * A dense layer (264 weights) on a fixed seeded regression problem: enough weights that a
 * one-ulp change in Adam's bias correction shows in some of them.
 */
function problem(): { model: tf.LayersModel; step: (optimizer: tf.Optimizer) => void } {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        units: 8,
        inputShape: [32],
        kernelInitializer: tf.initializers.randomNormal({ seed: 1 }),
        biasInitializer: 'zeros',
      }),
    ],
  });
  const x = tf.randomNormal([16, 32], 0, 1, 'float32', 2);
  const y = tf.randomNormal([16, 8], 0, 1, 'float32', 3);
  const step = (optimizer: tf.Optimizer): void => {
    tf.tidy(() => {
      optimizer.minimize(() => tf.mean(tf.square(tf.sub(model.predict(x) as tf.Tensor, y))) as tf.Scalar);
    });
  };
  return { model, step };
}

const weights = (m: tf.LayersModel): number[][] => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('restoreOptimizer', () => {
  it('resumes Adam exactly: its running powers of beta1 and beta2 come back as they were, not recomputed', async () => {
    // 50 steps: there 0.9^51 and 0.999^51 as float32 products differ from tfjs' pow(beta, 51) in the
    // last bit, which shows in some of the weights (after 8 steps it happens not to).
    const { model, step } = problem();
    const adam = tf.train.adam(0.01);
    for (let i = 0; i < 50; i++) step(adam);
    const dir = path.join(work, 'adam');
    await saveCheckpoint(dir, model, adam, { epoch: 1 });
    const saved = model.getWeights().map((w) => w.clone());
    for (let i = 0; i < 20; i++) step(adam);
    const straight = weights(model);

    const resumeFrom = async (folder: string): Promise<number[][]> => {
      model.setWeights(saved);
      const fresh = tf.train.adam(0.01);
      await restoreOptimizer(folder, fresh);
      for (let i = 0; i < 20; i++) step(fresh);
      fresh.dispose();
      return weights(model);
    };
    expect(await resumeFrom(dir)).toEqual(straight);

    // The same checkpoint without the saved powers (as written before they were kept) drifts.
    const old = path.join(work, 'adam-without-powers');
    await fs.cp(dir, old, { recursive: true });
    await fs.rm(path.join(old, 'optimizer-powers.json'));
    expect(await resumeFrom(old)).not.toEqual(straight);
    adam.dispose();
  });
});
