/**
 * CNNIQA end to end on a tiny dataset this test makes: train the patch network (`runPatches`, killed after one epoch
 * and resumed), export the best checkpoint to ONNX with its drafted patch card, and score one image in tfjs (core's
 * patches through the tfjs model), runtime-node and runtime-web: all three agree.
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

it('trains CNNIQA on patches (killed, resumed), exports it, scores the same in tfjs and both runtimes', async () => {
  const { cfg, work, dataDir } = await tinyPatchRun('cnniqa', {
    head: { hidden: 24, dropout: 0.5, seed: 2 },
    learningRate: 0.003,
  });
  // Killed after one epoch, then resumed: the same weights as one uninterrupted run.
  const killed = await runPatches(cfg, { stopAfter: 1 });
  expect(killed.state.epoch).toBe(1);
  const run = await runPatches(cfg, { resume: true });
  expect(run.state.epoch).toBe(2);
  expect(run.split).toEqual({ train: 7, val: 3, skipped: [] });
  await runPatches({ ...cfg, out: path.join(work, 'straight') });
  const weights = async (dir: string) => (await loadModel(dir)).getWeights().map((w) => Array.from(w.dataSync()));
  expect(await weights(path.join(work, 'run', 'last'))).toEqual(await weights(path.join(work, 'straight', 'last')));
  const log = (await fs.readFile(path.join(work, 'run', 'log.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(log.map((r) => r.event ?? r.epoch)).toEqual([1, 'resume', 2]);

  // Export the best checkpoint with its drafted card, as `iqa export` does.
  const { model, card, onnx, dir } = await exportBest(work);
  expect(card.input).toMatchObject({ layout: 'patches', channels: 1, protocol: { kind: 'patches', size: 32 } });

  // One image (72x72: a 2x2 grid of patches), scored three ways.
  const file = path.join(dataDir, 'img4.png');
  const pixels = await rgbaPixels(file);
  if (card.input.layout !== 'patches') throw new Error('expected a patch card');
  const t = patchTensor(pixels, card.input);
  expect(t.dims).toEqual([4, 1, 32, 32]);
  // One channel: the [N, 1, S, S] patches are the tfjs model's [N, S, S, 1].
  const raw = tf.tidy(() => (model.predict(tf.tensor4d(t.data, [4, 32, 32, 1])) as tf.Tensor).dataSync());
  const expected = (Array.from(raw).reduce((a, b) => a + b, 0) / raw.length) * card.output.scale + card.output.offset;

  const nodeScorer = await createNodeScorer(dir, { device: 'cpu' });
  const webScorer = await createWebScorer({ card, onnx }, { device: 'wasm' });
  try {
    const fromNode = await nodeScorer.score(file);
    const fromWeb = await webScorer.score(pixels);
    expect(close(fromNode, expected)).toBe(true);
    expect(close(fromWeb, expected)).toBe(true);
    expect(nodeScorer.card.input.layout).toBe('patches');
  } finally {
    await nodeScorer.dispose();
    await webScorer.dispose();
  }
}, 600_000);
