import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initTfBackend } from '../../src/backend/select-backend.js';
import type { RankConfig } from '../../src/training/config.js';
import { readCheckpointState } from '../../src/training/checkpoint.js';
import { runRank } from '../../src/training/stage-rank.js';
import { makeMosDataset } from './helpers.js';

// On wasm, as training runs: every op of the loop (and its gradient) must exist there.
beforeAll(async () => {
  await initTfBackend({ backend: 'wasm' });
});

it('stage 1 learns to rank distorted crops, checkpoints, and reports held-out accuracy', async () => {
  const refs = await makeMosDataset(8, 48);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'iqa-rank-'));
  const cfg: RankConfig = {
    stage: 'rank',
    network: 'vgg-tiny-ml',
    head: { pooling: ['avg', 'std'], hidden: 0, dropout: 0.1, seed: 3 },
    refs: refs.dir,
    set: 'live',
    types: ['gblur', 'jpeg'],
    maxRefs: 0,
    heldOut: 0.25,
    cropSize: 32,
    cropsPerRef: 1,
    refsPerBatch: 2,
    margin: 1,
    epochs: 12,
    batchSize: 24,
    learningRate: 0.02,
    weightDecay: 0,
    seed: 4,
    cache: path.join(work, 'cache'),
    out: path.join(work, 'rank'),
  };
  const result = await runRank(cfg, { configFile: 'rank.json' });
  expect(result.refs).toMatchObject({ train: 6, heldOut: 2, skipped: [] });
  expect(result.images).toBe(8 * (1 + 2 * 5));
  const log = (await fs.readFile(path.join(work, 'rank', 'log.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(log).toHaveLength(12);
  expect(log[11].loss).toBeLessThan(log[0].loss);
  // Blur and JPEG are easy to rank from pooled statistics: held-out accuracy well above chance.
  const best = await readCheckpointState<{ best: { rankAccuracy: number } }>(path.join(work, 'rank', 'best'));
  expect(best.best.rankAccuracy).toBeGreaterThan(0.6);
  const facts = JSON.parse(await fs.readFile(path.join(work, 'rank', 'best', 'rank.json'), 'utf8'));
  expect(facts).toMatchObject({ refs: 6, images: 88, set: 'live', config: 'rank.json' });
}, 300_000);

it('stage 1 with one reference per micro-batch takes the same steps as whole batches', async () => {
  const refs = await makeMosDataset(6, 40);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'iqa-rank-micro-'));
  const base: RankConfig = {
    stage: 'rank',
    network: 'vgg-tiny-ml',
    head: { pooling: ['avg'], hidden: 0, dropout: 0, seed: 3 },
    refs: refs.dir,
    set: 'live',
    types: ['gblur'],
    maxRefs: 0,
    heldOut: 0.34,
    cropSize: 32,
    cropsPerRef: 1,
    refsPerBatch: 2,
    margin: 1,
    epochs: 2,
    batchSize: 12,
    learningRate: 0.02,
    weightDecay: 0,
    seed: 4,
    cache: path.join(work, 'cache'),
    out: path.join(work, 'whole'),
  };
  await runRank(base);
  await runRank({ ...base, microBatch: 1, out: path.join(work, 'micro') });
  const { loadModel } = await import('../../src/io/model-files.js');
  const a = (await loadModel(path.join(work, 'whole', 'last'))).getWeights().map((t) => t.dataSync());
  const b = (await loadModel(path.join(work, 'micro', 'last'))).getWeights().map((t) => t.dataSync());
  a.forEach((w, i) => {
    w.forEach((v, k) => {
      expect(b[i]![k]).toBeCloseTo(v, 4);
    });
  });
}, 300_000);
