/**
 * WaDIQaM-NR: the network (ten convolutions, two branches, the patch weight), its 2x2 max pooling gradient on the wasm
 * backend, the image-grouped batches and weighted-average loss of the patches stage, and configs/wadiqam.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PATCH_WEIGHT_EPSILON, PatchWeight, getNetwork } from '../../src/networks/index.js';
import { initTfBackend } from '../../src/backend/index.js';
import { readTrainConfig } from '../../src/training/config.js';
import {
  groupedPatchBatches,
  imageRuns,
  weightedImageLoss,
  weightedPerImage,
} from '../../src/training/patch-groups.js';
import { runPatches } from '../../src/training/stage-patches.js';
import { writeConfig } from './helpers.js';

const base = {
  stage: 'patches',
  network: 'wadiqam-nr',
  mos: path.join(os.tmpdir(), 'mos.csv'),
  out: 'runs/x',
  valFraction: 0.2,
  splitSeed: 2017,
  patchesPerImage: 16,
  imagesPerBatch: 8,
  test: { kind: 'patches', size: 32, stride: 32, maxPatches: 64 },
  loss: 'l1',
  epochs: 1,
  batchSize: 128,
  learningRate: 0.0001,
};

let backend = '';
beforeAll(async () => {
  backend = (await initTfBackend({ backend: 'wasm' }).catch(() => initTfBackend({ backend: 'cpu' }))).name;
});

describe('wadiqam-nr', () => {
  it("is Bosse's network: ten 3x3 convs in five pairs with 2x2 max pooling, quality and weight branches", async () => {
    const model = await getNetwork('wadiqam-nr').build({ seed: 1 });
    expect(model.inputs[0]!.shape).toEqual([null, 32, 32, 3]);
    expect(model.outputs.map((o) => o.shape)).toEqual([
      [null, 1],
      [null, 1],
    ]);
    expect(model.outputs.map((o) => o.sourceLayer.name)).toEqual(['score', 'weight']);
    const classes = model.layers.map((l) => l.getClassName());
    expect(classes.filter((c) => c === 'Conv2D')).toHaveLength(10);
    expect(classes.filter((c) => c === 'MaxPooling2D')).toHaveLength(5);
    expect(classes.filter((c) => c === 'Dense')).toHaveLength(4);
    const filters = [32, 32, 64, 64, 128, 128, 256, 256, 512, 512];
    const convs = filters.reduce((n, f, i) => n + 3 * 3 * (i === 0 ? 3 : filters[i - 1]!) * f + f, 0);
    expect(model.countParams()).toBe(convs + 2 * (512 * 512 + 512 + 512 + 1));
    expect(model.getLayer('features').outputShape).toEqual([null, 512]);
    model.dispose();
  });

  it('without its weight branch is DIQaM-NR: one patch score, the same initial weights as WaDIQaM-NR', async () => {
    const wadiqam = await getNetwork('wadiqam-nr').build({ seed: 3 });
    const diqam = await getNetwork('diqam-nr').build({ seed: 3 });
    expect(diqam.outputs.map((o) => [o.sourceLayer.name, o.shape])).toEqual([['score', [null, 1]]]);
    expect(diqam.layers.some((l) => l.name.startsWith('fw') || l.name === 'weight')).toBe(false);
    expect(diqam.countParams()).toBe(wadiqam.countParams() - (512 * 512 + 512 + 512 + 1));
    for (const layer of ['conv1', 'conv10', 'fq1', 'score']) {
      const [a, b] = [wadiqam, diqam].map((m) => m.getLayer(layer).getWeights()[0]!.dataSync());
      expect(Array.from(b!)).toEqual(Array.from(a!));
    }
    expect(getNetwork('diqam-nr').patchWeight).toBeUndefined();
    wadiqam.dispose();
    diqam.dispose();
  });

  it('gives positive patch weights and 2x2 max pooling has the one-hot gradient on this backend', () => {
    const w = (new PatchWeight().apply(tf.tensor2d([[-3], [0], [2]])) as tf.Tensor).dataSync();
    expect(Array.from(w)).toEqual(
      [PATCH_WEIGHT_EPSILON, PATCH_WEIGHT_EPSILON, 2 + PATCH_WEIGHT_EPSILON].map(Math.fround),
    );
    expect(new PatchWeight({ epsilon: 0.5 }).getConfig().epsilon).toBe(0.5);
    expect(() => new PatchWeight({ epsilon: 0 })).toThrow(/Expected a positive finite epsilon but received 0/);
    // Distinct values: each 2x2 window's gradient goes to its maximum, the trap InceptionV3 fell into on wasm.
    const values = Array.from({ length: 2 * 4 * 4 * 3 }, (_, i) => (i * 37) % 97);
    const x = tf.tensor4d(values, [2, 4, 4, 3]);
    const dy = tf.tensor4d(
      Array.from({ length: 2 * 2 * 2 * 3 }, (_, i) => i + 1),
      [2, 2, 2, 3],
    );
    const g = tf
      .grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'), dy)))(x)
      .dataSync();
    const expected = new Float32Array(values.length);
    const d = dy.dataSync();
    for (let n = 0; n < 2; n++)
      for (let oy = 0; oy < 2; oy++)
        for (let ox = 0; ox < 2; ox++)
          for (let c = 0; c < 3; c++) {
            let best = -1;
            for (let ky = 0; ky < 2; ky++)
              for (let kx = 0; kx < 2; kx++) {
                const i = ((n * 4 + oy * 2 + ky) * 4 + ox * 2 + kx) * 3 + c;
                if (best < 0 || values[i]! > values[best]!) best = i;
              }
            expected[best] = d[((n * 2 + oy) * 2 + ox) * 3 + c]!;
          }
    expect(Array.from(g)).toEqual(Array.from(expected));
    expect(['wasm', 'cpu']).toContain(backend);
  });
});

describe('image-grouped patch training', () => {
  const groups = [
    [0, 1, 2, 3, 4],
    [5, 6],
    [7, 8, 9, 10],
  ];

  it('draws perImage rows of every image and keeps each image whole and contiguous in one batch', () => {
    const image = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2]);
    const epoch0 = groupedPatchBatches(groups, 3, 2, 7, 0);
    expect(epoch0).toHaveLength(2);
    expect(epoch0.flat()).toHaveLength(8);
    for (const batch of epoch0) {
      const runs = imageRuns(batch, image);
      expect(new Set(runs.map(([a]) => image[batch[a]!])).size).toBe(runs.length);
    }
    expect(groupedPatchBatches(groups, 3, 2, 7, 0)).toEqual(epoch0);
    const draws = Array.from({ length: 6 }, (_, e) => JSON.stringify(groupedPatchBatches(groups, 3, 2, 7, e)));
    expect(new Set(draws).size).toBeGreaterThan(1);
  });

  it('has the loss of each image against its weighted average, with gradients', () => {
    const image = Int32Array.from([0, 0, 1, 1, 1]);
    // Rows 3, 4 (image 1), 0, 1 (image 0), 2 (image 1): three runs of equal images.
    expect(imageRuns([3, 4, 0, 1, 2], image)).toEqual([
      [0, 2],
      [2, 4],
      [4, 5],
    ]);
    const scores = tf.tensor2d([1, 1, 3, 3, 2, 1, 4, 3, 0, 2], [5, 2]);
    const target = (i: number) => [0.5, 1][i]!;
    const l1 = weightedImageLoss(scores, [0, 1, 2, 3, 4], image, target, 'l1').dataSync()[0]!;
    // Image 0: (1*1 + 3*3) / 4 = 2.5 vs 0.5; image 1: (2*1 + 4*3 + 0*2) / 6 = 14 / 6 vs 1.
    expect(l1).toBeCloseTo((2 + (14 / 6 - 1)) / 2, 5);
    const l2 = weightedImageLoss(scores, [0, 1, 2, 3, 4], image, target, 'l2').dataSync()[0]!;
    expect(l2).toBeCloseTo((4 + (14 / 6 - 1) ** 2) / 2, 5);
    const g = tf.grad((s: tf.Tensor) => weightedImageLoss(s, [0, 1, 2, 3, 4], image, target, 'l1'))(scores);
    // d/dq of image 0's |2.5 - 0.5| / 2: w / sum(w) / 2.
    expect(Array.from(g.dataSync()).slice(0, 1)[0]).toBeCloseTo(1 / 4 / 2, 5);
  });

  it('scores validation images by their weighted averages, on the card scale', () => {
    const pred = Float32Array.from([1, 1, 3, 3, 2, 1]);
    const scores = weightedPerImage(pred, Int32Array.from([0, 0, 1]), 2, { scale: 10, offset: 50 });
    expect(Array.from(scores)).toEqual([75, 70]);
  });
});

describe('a wadiqam config', () => {
  it('needs imagesPerBatch: a network with patch weights trains on image-grouped batches', async () => {
    const cfg = await readTrainConfig(await writeConfig({ ...base, imagesPerBatch: undefined }), 'patches');
    await expect(runPatches(cfg)).rejects.toThrow(/Expected "imagesPerBatch" in the config: wadiqam-nr weighs/);
    await expect(readTrainConfig(await writeConfig({ ...base, imagesPerBatch: 0 }), 'patches')).rejects.toThrow(
      /expected a positive integer for "imagesPerBatch" but received 0/,
    );
  });

  it.each([
    ['configs/wadiqam/clive.json', 'wadiqam-nr'],
    ['configs/diqam/clive.json', 'diqam-nr'],
  ])("%s uses the default model's split (valFraction 0.2, split seed 2017)", async (file, network) => {
    const cfg = await readTrainConfig(file, 'patches', {
      data: { dir: os.tmpdir(), from: 'test' },
    });
    expect(cfg).toMatchObject({ network, valFraction: 0.2, splitSeed: 2017, loss: 'l1' });
    const upper = JSON.parse(await fs.readFile('configs/mobilenetv2-ml/finetune-upper-rank-task.json', 'utf8'));
    expect([cfg.valFraction, cfg.splitSeed]).toEqual([upper.valFraction, upper.splitSeed]);
  });
});
