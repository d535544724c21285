/**
 * Stage 2 with NIMA's EMD loss on mobilenetv2-nima, reading the rows a mobilenetv2-ml run cached at block_15_add
 * (featuresFrom { network, head } with cacheAt, then with cut above it), on a small synthetic MOS set with a std
 * column. MobileNetV2 on 32 px crops keeps it to seconds.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { FinetuneConfig } from '../../src/training/config.js';
import { runFinetune } from '../../src/training/stage-finetune.js';
import { makeMosDataset } from './helpers.js';

let data: { dir: string; csv: string };
let work: string;

beforeAll(async () => {
  // Jest's structuredClone is the outer realm's; nsfwjs' topology must be cloned in this one.
  globalThis.structuredClone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  await tf.setBackend('cpu');
  data = await makeMosDataset(12);
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'iqa-nima-'));
});

const ML_HEAD = { pooling: ['avg', 'std'] as Array<'avg' | 'std'>, hidden: 0, dropout: 0.5, seed: 1 };
const NIMA_HEAD = { pooling: ['avg'] as Array<'avg' | 'std'>, hidden: 0, dropout: 0.75, seed: 1 };

function config(out: string, over: Partial<FinetuneConfig>): FinetuneConfig {
  return {
    stage: 'finetune',
    network: 'mobilenetv2-nima',
    head: NIMA_HEAD,
    mos: data.csv,
    valFraction: 0.25,
    splitSeed: 1,
    cropSize: 32,
    cropsPerImage: 2,
    test: { count: 2, seed: 0 },
    loss: 'emd',
    epochs: 3,
    batchSize: 8,
    learningRate: 0.01,
    weightDecay: 1e-4,
    seed: 5,
    cache: path.join(work, 'cache'),
    out: path.join(work, out),
    ...over,
  };
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as T;
}

test('EMD trains NIMA on the rows a mobilenetv2-ml run cached at block_15_add, head then upper blocks', async () => {
  const ml = await runFinetune(
    config('ml', { network: 'mobilenetv2-ml', head: ML_HEAD, loss: 'l2', epochs: 1, cacheAt: 'block_15_add' }),
  );
  expect(ml.cache).toEqual({ hits: 0, misses: 12 });
  const from = { network: 'mobilenetv2-ml', head: { pooling: ['avg', 'std'] as Array<'avg' | 'std'> } };
  const head = await runFinetune(config('nima-head', { featuresFrom: from, cacheAt: 'block_15_add', epochs: 4 }));
  expect(head.cache).toEqual({ hits: 12, misses: 0 });
  const log = (await fs.readFile(path.join(work, 'nima-head', 'log.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { loss: number; srcc: number });
  expect(log).toHaveLength(4);
  expect(log[3]!.loss).toBeLessThan(log[0]!.loss);
  const card = await readJson<{ output: unknown; training: { stages: Array<{ description: string }> } }>(
    path.join(work, 'nima-head', 'best', 'card.json'),
  );
  expect(card.output).toEqual({
    name: 'score',
    range: [0, 100],
    higherIsBetter: true,
    scale: 10,
    offset: -5,
    spread: { name: 'std', kind: 'std', scale: 10 },
  });
  expect(card.training.stages.at(-1)!.description).toMatch(/^EMD \(r = 2, NIMA\) .* N\(MOS, std\)/);

  const upper = await runFinetune(config('nima-upper', { featuresFrom: from, cut: 'block_15_add', epochs: 1 }), {
    from: path.join(work, 'nima-head', 'best'),
  });
  expect(upper.cache).toEqual({ hits: 12, misses: 0 });
}, 300_000);

test('EMD needs a distribution network, and a distribution network needs EMD', async () => {
  await expect(runFinetune(config('emd-on-ml', { network: 'mobilenetv2-ml', head: ML_HEAD }))).rejects.toThrow(
    /Expected a network that predicts a score distribution \(such as mobilenetv2-nima\) for "loss": "emd"/,
  );
  await expect(runFinetune(config('l2-on-nima', { loss: 'l2' }))).rejects.toThrow(
    /Expected "loss": "emd" for mobilenetv2-nima, which predicts a score distribution, but received "l2"/,
  );
});
