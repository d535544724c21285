/**
 * End to end, in memory and on disk: train a tiny multi-level network for a few epochs on images
 * this test makes, export it to ONNX, and score an image with runtime-node and runtime-web.
 * Both runtimes and tfjs must agree.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { preprocess } from '@iqa-zoo/core';
import { createScorer as createNodeScorer } from '@iqa-zoo/runtime-node';
import { createScorer as createWebScorer } from '@iqa-zoo/runtime-web';
import { runFinetune } from '@iqa-zoo/train';
import { makeMosDataset } from '../packages/train/test/training/helpers.js';
import { close, exportBest, rgbaPixels } from './helpers/export-run.js';

it('trains, exports and scores the same in tfjs, runtime-node and runtime-web', async () => {
  await tf.setBackend('cpu');
  const data = await makeMosDataset(10, 48);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'iqa-e2e-'));
  const run = await runFinetune({
    stage: 'finetune',
    network: 'vgg-tiny-ml',
    head: { pooling: ['avg', 'std'], hidden: 0, dropout: 0.2, seed: 2 },
    mos: data.csv,
    valFraction: 0.3,
    splitSeed: 3,
    cropSize: 32,
    cropsPerImage: 2,
    test: { count: 3, seed: 5 },
    loss: 'l2',
    epochs: 3,
    batchSize: 8,
    learningRate: 0.01,
    weightDecay: 1e-4,
    seed: 9,
    cache: path.join(work, 'cache'),
    out: path.join(work, 'run'),
  });
  expect(run.state.epoch).toBe(3);

  // Export the best checkpoint with its drafted card, as `iqa export` does.
  const { model, card, onnx, dir } = await exportBest(work);

  // One image, scored three ways.
  const file = path.join(data.dir, 'img4.png');
  const pixels = await rgbaPixels(file);
  const t = preprocess(pixels, card.input);
  const raw = tf.tidy(() =>
    (
      model.predict(
        tf.transpose(tf.tensor4d(t.data, t.dims as [number, number, number, number]), [0, 2, 3, 1]),
      ) as tf.Tensor
    ).dataSync(),
  );
  const expected = (Array.from(raw).reduce((a, b) => a + b, 0) / raw.length) * card.output.scale + card.output.offset;

  const nodeScorer = await createNodeScorer(dir, { device: 'cpu' });
  const fromNode = await nodeScorer.score(file);
  const webScorer = await createWebScorer({ card, onnx }, { device: 'wasm' });
  try {
    const fromWeb = await webScorer.score(pixels);
    expect(close(fromNode, expected)).toBe(true);
    expect(close(fromWeb, expected)).toBe(true);
    expect(nodeScorer.card.id).toBe(card.id);
  } finally {
    await nodeScorer.dispose();
    await webScorer.dispose();
  }
}, 300_000);
