/**
 * DIQaM-NR end to end on a tiny dataset this test makes: train WaDIQaM-NR's network without its weight branch
 * (`runPatches`, each patch regressed on its image's MOS), export the best checkpoint to ONNX with its drafted card
 * (one output, the patch scores: no `output.weight`), and score one image in tfjs (core's RGB patches through the tfjs
 * model, the plain mean computed here), runtime-node and runtime-web: all three agree.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { patchTensor } from '@iqa-zoo/core';
import { createScorer as createNodeScorer } from '@iqa-zoo/runtime-node';
import { createScorer as createWebScorer } from '@iqa-zoo/runtime-web';
import { runPatches } from '@iqa-zoo/train';
import { close, exportBest, rgbaPixels } from './helpers/export-run.js';
import { tinyPatchRun } from './helpers/patch-run.js';

it('trains DIQaM-NR on patches, exports it with a card of its own, scores the plain mean everywhere', async () => {
  const { cfg, work, dataDir } = await tinyPatchRun('diqam-nr', {
    // 72x72: a 2x2 grid, of which the card scores a regular subsample of 3.
    test: { kind: 'patches', size: 32, stride: 32, maxPatches: 3 },
    epochs: 1,
  });
  const run = await runPatches(cfg);
  expect(run.split).toEqual({ train: 7, val: 3, skipped: [] });

  const { model, card, onnx, dir } = await exportBest(work);
  expect(card.input).toMatchObject({ layout: 'patches', channels: 3, protocol: { kind: 'patches', maxPatches: 3 } });
  expect(card.output.weight).toBeUndefined();
  expect(card.architecture).toMatchObject({ network: 'diqam-nr', backbone: 'DIQaM-NR', pooling: ['max'] });
  expect(card.credits?.join(' ')).toMatch(/Bosse.*IEEE Transactions on Image Processing 27\(1\), 2018/);
  expect(card.training?.stages[0]?.description).toMatch(/every patch labelled with its image's MOS/);

  const file = path.join(dataDir, 'img4.png');
  const pixels = await rgbaPixels(file);
  if (card.input.layout !== 'patches') throw new Error('expected a patch card');
  const t = patchTensor(pixels, card.input);
  expect(t.dims).toEqual([3, 3, 32, 32]);
  const q = tf.tidy(() => {
    const out = model.predict(tf.transpose(tf.tensor4d(t.data, [3, 3, 32, 32]), [0, 2, 3, 1])) as tf.Tensor;
    return Array.from(out.dataSync());
  });
  expect(q).toHaveLength(3);
  const expected = (q.reduce((a, v) => a + v, 0) / q.length) * card.output.scale + card.output.offset;

  const nodeScorer = await createNodeScorer(dir, { device: 'cpu' });
  const webScorer = await createWebScorer({ card, onnx }, { device: 'wasm' });
  try {
    expect(close(await nodeScorer.score(file), expected)).toBe(true);
    expect(close(await webScorer.score(pixels), expected)).toBe(true);
  } finally {
    await nodeScorer.dispose();
    await webScorer.dispose();
  }
}, 600_000);
