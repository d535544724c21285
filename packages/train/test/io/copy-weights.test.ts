import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { IqaError } from '@iqa-zoo/core';
import { copyWeightsByName, loadModel, saveModel } from '../../src/io/model-files.js';
import { getNetwork } from '../../src/networks/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function build(seed: number): Promise<tf.LayersModel> {
  return getNetwork('vgg-tiny-ml').build({ pooling: ['avg', 'std'], hidden: 0, dropout: 0, seed });
}

describe('copyWeightsByName', () => {
  it('restores a checkpoint saved with other layers trainable, where positional setWeights cannot', async () => {
    // As stage 1 above a cut saves it: some layers trainable, others frozen, so getWeights() lists them in another
    // order.
    const trained = await build(1);
    const frozen = trained.layers.find((l) => l.weights.length > 0)!;
    frozen.trainable = false;
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'iqa-copy-'));
    await saveModel(trained, dir);
    const checkpoint = await loadModel(dir);
    const fresh = await build(2);
    const names = (m: tf.LayersModel): string[] => m.weights.map((w) => w.originalName);
    expect(names(checkpoint)).not.toEqual(names(fresh));
    expect(() => fresh.setWeights(checkpoint.getWeights())).toThrow();

    copyWeightsByName(checkpoint, fresh);
    const want = new Map(trained.weights.map((w) => [w.originalName, w.read().arraySync()]));
    for (const w of fresh.weights) expect(w.read().arraySync()).toEqual(want.get(w.originalName));
  });

  it('names the weight a checkpoint lacks or holds in another shape', async () => {
    const a = await build(1);
    const x = tf.input({ shape: [4] });
    const other = tf.model({
      inputs: x,
      outputs: tf.layers.dense({ units: 1, name: 'score' }).apply(x) as tf.SymbolicTensor,
    });
    let err: unknown;
    try {
      copyWeightsByName(other, a);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IqaError);
    expect((err as Error).message).toMatch(/Expected a weight named \S+ in the checkpoint/);
  });
});
