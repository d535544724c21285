/**
 * The patches stage (CNNIQA): its config, its per-epoch draw of patches, the network and its min/max pooling
 * gradient on the wasm backend, and the configs/cnniqa file the zoo model was trained with.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { GlobalExtremumPooling2D, getNetwork } from '../../src/networks/index.js';
import { initTfBackend } from '../../src/backend/index.js';
import { readTrainConfig } from '../../src/training/config.js';
import { patchBatches } from '../../src/training/stage-patches.js';
import { writeConfig } from './helpers.js';

const base = {
  stage: 'patches',
  network: 'cnniqa',
  mos: path.join(os.tmpdir(), 'mos.csv'), // absolute: used as it is, no data folder needed
  out: 'runs/x',
  valFraction: 0.2,
  splitSeed: 2017,
  patchesPerImage: 32,
  test: { kind: 'patches', size: 32, stride: 32 },
  loss: 'l1',
  epochs: 1,
  batchSize: 128,
  learningRate: 0.001,
};

const write = writeConfig;

beforeAll(async () => {
  await initTfBackend({ backend: 'wasm' }).catch(() => initTfBackend({ backend: 'cpu' }));
});

describe('a patches config', () => {
  it("is read with Kang's LCN by default", async () => {
    const cfg = await readTrainConfig(await write(base), 'patches');
    expect(cfg.lcn).toEqual({ size: 3, c: 1 });
    expect(cfg.test).toEqual({ kind: 'patches', size: 32, stride: 32 });
  });

  it('names what is wrong', async () => {
    await expect(readTrainConfig(await write({ ...base, patchesPerImage: 0 }), 'patches')).rejects.toThrow(
      /expected a positive integer for "patchesPerImage" but received 0/,
    );
    await expect(readTrainConfig(await write({ ...base, test: { count: 4, seed: 0 } }), 'patches')).rejects.toThrow(
      /expected \{ "kind": "patches", "size", "stride"\[, "maxPatches"\] \} for "test"/,
    );
    await expect(readTrainConfig(await write({ ...base, lcn: { size: 2, c: 1 } }), 'patches')).rejects.toThrow(
      /"size": an odd positive integer/,
    );
    await expect(readTrainConfig(await write({ ...base, loss: 'huber' }), 'patches')).rejects.toThrow(
      /expected "l1" or "l2" for "loss" but received "huber"/,
    );
    await expect(readTrainConfig(await write({ ...base, cropSize: 32 }), 'patches')).rejects.toThrow(
      /expected only the keys of a "patches" config .* but received "cropSize"/,
    );
  });

  it("configs/cnniqa/clive.json uses the default model's split (valFraction 0.2, split seed 2017)", async () => {
    const cfg = await readTrainConfig('configs/cnniqa/clive.json', 'patches', {
      data: { dir: os.tmpdir(), from: 'test' },
    });
    expect(cfg).toMatchObject({ network: 'cnniqa', valFraction: 0.2, splitSeed: 2017, loss: 'l1' });
    const upper = JSON.parse(await fs.readFile('configs/mobilenetv2-ml/finetune-upper-rank-task.json', 'utf8'));
    expect([cfg.valFraction, cfg.splitSeed]).toEqual([upper.valFraction, upper.splitSeed]);
  });
});

describe('patchBatches', () => {
  const groups = [
    [0, 1, 2, 3, 4],
    [5, 6],
    [7, 8, 9, 10],
  ];

  it('draws perImage rows of every image (all of a smaller one), each once, other rows each epoch', () => {
    const epoch0 = patchBatches(groups, 3, 4, 7, 0);
    expect(epoch0.map((b) => b.length)).toEqual([4, 4]);
    const rows = epoch0.flat();
    expect(new Set(rows).size).toBe(8);
    expect(rows.filter((r) => r <= 4)).toHaveLength(3);
    expect(rows.filter((r) => r === 5 || r === 6)).toHaveLength(2);
    expect(rows.filter((r) => r >= 7)).toHaveLength(3);
    expect(patchBatches(groups, 3, 4, 7, 0)).toEqual(epoch0);
    const draws = Array.from({ length: 6 }, (_, e) => JSON.stringify(patchBatches(groups, 3, 4, 7, e)));
    expect(new Set(draws).size).toBeGreaterThan(1);
  });
});

describe('cnniqa', () => {
  it("is Kang's network: 7x7x50 conv, max + min pooling, FC 800, FC 800, FC 1", async () => {
    const model = await getNetwork('cnniqa').build({ seed: 1 });
    expect(model.inputs[0]!.shape).toEqual([null, 32, 32, 1]);
    expect(model.layers.map((l) => l.getClassName())).toEqual([
      'InputLayer',
      'Conv2D',
      'GlobalExtremumPooling2D',
      'GlobalExtremumPooling2D',
      'Concatenate',
      'Dense',
      'Dropout',
      'Dense',
      'Dense',
    ]);
    expect(model.countParams()).toBe(7 * 7 * 50 + 50 + 100 * 800 + 800 + 800 * 800 + 800 + 800 + 1);
    model.dispose();
  });

  it('min and max pooling give the values and gradients of tf.min / tf.max over height and width', () => {
    const x = tf.randomNormal([2, 5, 4, 3], 0, 1, 'float32', 11);
    const w = tf.tensor1d([1, -2, 3]);
    for (const mode of ['max', 'min'] as const) {
      const layer = new GlobalExtremumPooling2D({ mode });
      const reference = (t: tf.Tensor) => (mode === 'max' ? tf.max(t, [1, 2]) : tf.min(t, [1, 2]));
      expect((layer.apply(x) as tf.Tensor).arraySync()).toEqual(reference(x).arraySync());
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(layer.apply(t) as tf.Tensor, w)))(x);
      const r = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(reference(t), w)))(x);
      expect(g.arraySync()).toEqual(r.arraySync());
    }
    expect(() => new GlobalExtremumPooling2D({ mode: 'median' as 'max' })).toThrow(
      /Expected mode "max" or "min" but received "median"/,
    );
  });
});
