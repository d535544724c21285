/**
 * WaDIQaM-NR end to end on a tiny dataset this test makes: train the patch network on image-grouped batches
 * (`runPatches`, the loss on each image's weighted average; killed after one epoch and resumed), export the best
 * checkpoint to ONNX with its drafted card (two outputs: patch scores and patch weights), and score one image in tfjs
 * (core's RGB patches through the tfjs model, the weighted average computed here), runtime-node and runtime-web: all
 * three agree.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { patchTensor } from '@iqa-zoo/core';
import { createScorer as createNodeScorer } from '@iqa-zoo/runtime-node';
import { createScorer as createWebScorer } from '@iqa-zoo/runtime-web';
import { loadModel, runPatches } from '@iqa-zoo/train';
import { close, exportBest, rgbaPixels } from './helpers/export-run.js';
import { tinyPatchRun } from './helpers/patch-run.js';

it('trains WaDIQaM-NR on image-grouped patches (killed, resumed), exports it, scores the same everywhere', async () => {
  const { cfg, work, dataDir } = await tinyPatchRun('wadiqam-nr', {
    imagesPerBatch: 2,
    // 72x72: a 2x2 grid, of which the card scores a regular subsample of 3.
    test: { kind: 'patches', size: 32, stride: 32, maxPatches: 3 },
  });
  // Killed after one epoch, then resumed: the same weights as one uninterrupted run.
  const killed = await runPatches(cfg, { stopAfter: 1 });
  expect(killed.state.epoch).toBe(1);
  const run = await runPatches(cfg, { resume: true });
  expect(run.state.epoch).toBe(2);
  expect(run.split).toEqual({ train: 7, val: 3, skipped: [] });
  await runPatches({ ...cfg, out: path.join(work, 'straight') });
  const weights = async (dir: string) => (await loadModel(dir)).getWeights().map((w) => Array.from(w.dataSync()));
  const resumed = await weights(path.join(work, 'run', 'last'));
  expect(resumed).toEqual(await weights(path.join(work, 'straight', 'last')));
  // Training moved the weights away from the initial ones.
  const { getNetwork } = await import('@iqa-zoo/train');
  const initial = (await getNetwork('wadiqam-nr').build(cfg.head)).getWeights().map((w) => Array.from(w.dataSync()));
  expect(resumed).not.toEqual(initial);
  const log = (await fs.readFile(path.join(work, 'run', 'log.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(log.map((r) => r.event ?? r.epoch)).toEqual([1, 'resume', 2]);
  expect(log.every((r) => r.event === 'resume' || Number.isFinite(r.loss))).toBe(true);

  // Export the best checkpoint with its drafted card, as `iqa export` does.
  const { model, card, onnx, dir } = await exportBest(work);
  expect(card.input).toMatchObject({ layout: 'patches', channels: 3, protocol: { kind: 'patches', maxPatches: 3 } });
  expect(card.output.weight).toEqual({ name: 'weight', kind: 'patch-weight' });

  const file = path.join(dataDir, 'img4.png');
  const pixels = await rgbaPixels(file);
  if (card.input.layout !== 'patches') throw new Error('expected a patch card');
  const t = patchTensor(pixels, card.input);
  expect(t.dims).toEqual([3, 3, 32, 32]);
  // The tfjs model takes NHWC: [N, 3, S, S] -> [N, S, S, 3]; its outputs are the patch scores and weights.
  const [q, w] = tf.tidy(() => {
    const out = model.predict(tf.transpose(tf.tensor4d(t.data, [3, 3, 32, 32]), [0, 2, 3, 1])) as tf.Tensor[];
    return out.map((o) => Array.from(o.dataSync()));
  }) as [number[], number[]];
  expect(w.every((v) => v > 0)).toBe(true);
  const weighted = q.reduce((a, v, i) => a + v * w[i]!, 0) / w.reduce((a, v) => a + v, 0);
  const expected = weighted * card.output.scale + card.output.offset;

  const nodeScorer = await createNodeScorer(dir, { device: 'cpu' });
  const webScorer = await createWebScorer({ card, onnx }, { device: 'wasm' });
  try {
    const fromNode = await nodeScorer.score(file);
    const fromWeb = await webScorer.score(pixels);
    expect(close(fromNode, expected)).toBe(true);
    expect(close(fromWeb, expected)).toBe(true);
    // A weighted mean, not the plain one (unless the weights happen to be equal).
    expect((await nodeScorer.scoreBatch([file]))[0]).toEqual({ score: fromNode });
  } finally {
    await nodeScorer.dispose();
    await webScorer.dispose();
  }
}, 600_000);
