import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { FinetuneConfig, RankConfig } from '../../src/training/config.js';
import { readTrainConfig } from '../../src/training/config.js';
import { ladderSlots, multiTaskLoss, withLadders } from '../../src/training/multi-task.js';
import { runFinetune } from '../../src/training/stage-finetune.js';
import { makeMosDataset } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('multiTaskLoss', () => {
  // Two MOS rows (targets 1 and -1), then one ladder of three levels (pristine first).
  const batch = withLadders([4, 9], [{ ref: 0, items: [0, 1, 2] }], 100);
  const scores = [0.5, -1.5, 2, 1.8, -1];

  it(
    'is the mean squared error on the MOS rows plus weight x the mean hinge over the ladder pairs (value by ' + 'hand)',
    () => {
      expect(batch).toEqual({
        rows: [4, 9, 100, 101, 102],
        mosRows: 2,
        pairs: { better: Int32Array.from([2, 2, 3]), worse: Int32Array.from([3, 4, 4]) },
      });
      const value = multiTaskLoss(tf.tensor2d(scores, [5, 1]), batch, [1, -1], {
        loss: 'l2',
        weight: 2,
        margin: 1,
      }).dataSync()[0]!;
      // MSE: ((0.5-1)^2 + (-1.5+1)^2) / 2 = 0.25;
      // hinges: max(0, 1-0.2) = 0.8, max(0, 1-3) = 0, max(0, 1-2.8) = 0 -> mean 0.8/3.
      expect(value).toBeCloseTo(0.25 + (2 * 0.8) / 3, 6);
      const l1 = multiTaskLoss(tf.tensor2d(scores, [5, 1]), batch, [1, -1], {
        loss: 'l1',
        weight: 0,
        margin: 1,
      }).dataSync()[0]!;
      expect(l1).toBeCloseTo(0.5, 6);
    },
  );

  it(
    'has the gradient worked out by hand: the ladder rows get only the hinge, the MOS rows only the ' + 'regression',
    () => {
      const x = tf.tensor2d(scores, [5, 1]);
      const g = tf
        .grad((s: tf.Tensor) => multiTaskLoss(s, batch, [1, -1], { loss: 'l2', weight: 2, margin: 1 }))(x)
        .dataSync();
      // d/ds0 = 2(0.5-1)/2 = -0.5; d/ds1 = 2(-1.5+1)/2 = -0.5; the one active pair (2 better than 3):
      // weight/3 x (-1) on s2 and weight/3 x (+1) on s3; s4 is in no active pair.
      expect(Array.from(g)).toEqual([-0.5, -0.5, -2 / 3, 2 / 3, 0].map((v) => expect.closeTo(v, 6)));
    },
  );
});

describe('withLadders, anchored', () => {
  it("marks the pairs an anchored ladder's head heads, after the MOS rows, and only those", () => {
    const b = withLadders(
      [4],
      [
        { ref: 0, items: [0, 1] },
        { ref: 0, items: [2, 3, 4], anchored: true },
      ],
      10,
    );
    expect(b.rows).toEqual([4, 10, 11, 12, 13, 14]);
    expect(Array.from(b.pairs.better)).toEqual([1, 3, 3, 4]);
    expect(Array.from(b.pairs.worse)).toEqual([2, 4, 5, 5]);
    expect(Array.from(b.pairs.anchored!)).toEqual([0, 1, 1, 0]);
    expect(withLadders([4], [{ ref: 0, items: [0, 1] }], 10).pairs.anchored).toBeUndefined();
  });
});

describe('ladderSlots', () => {
  it(
    'goes through every ladder once per round, whatever the epoch length, and repeats itself for the same (epoch, ' +
      'batch)',
    () => {
      const seen: number[] = [];
      for (let epoch = 0; epoch < 3; epoch++)
        for (let b = 0; b < 4; b++) seen.push(...ladderSlots(6, 2, 4, epoch, b, 9));
      // 24 slots = 4 rounds of 6 ladders.
      for (let round = 0; round < 4; round++)
        expect([...seen.slice(round * 6, round * 6 + 6)].sort()).toEqual([0, 1, 2, 3, 4, 5]);
      expect(ladderSlots(6, 2, 4, 2, 3, 9)).toEqual(seen.slice(22, 24));
      expect(() => ladderSlots(0, 2, 4, 0, 0, 9)).toThrow('Expected at least one training ladder but received 0');
    },
  );
});

describe('stage 2 with a ranking task', () => {
  let work: string;
  let rankFile: string;
  let mos: { dir: string; csv: string };

  beforeAll(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'iqa-mt-'));
    // MOS follows blur only; the ladders are white noise, which the MOS term says nothing about.
    mos = await makeMosDataset(12);
    const refs = await makeMosDataset(10, 48);
    const rank: RankConfig = {
      stage: 'rank',
      network: 'vgg-tiny-ml',
      head: {},
      refs: refs.dir,
      set: 'live',
      types: ['wn'],
      maxRefs: 0,
      heldOut: 0.3,
      cropSize: 32,
      cropsPerRef: 1,
      refsPerBatch: 2,
      margin: 1,
      epochs: 1,
      batchSize: 8,
      learningRate: 0.01,
      weightDecay: 0,
      seed: 4,
      cache: path.join(work, 'cache'),
      out: path.join(work, 'rank'),
    };
    rankFile = path.join(work, 'rank.json');
    await fs.writeFile(rankFile, JSON.stringify(rank));
  });

  const config = (out: string, weight: number): FinetuneConfig => ({
    stage: 'finetune',
    network: 'vgg-tiny-ml',
    head: { pooling: ['avg', 'std'], hidden: 0, dropout: 0, seed: 3 },
    mos: mos.csv,
    valFraction: 0.25,
    splitSeed: 1,
    cropSize: 32,
    cropsPerImage: 2,
    test: { count: 2, seed: 0 },
    loss: 'l2',
    epochs: 8,
    batchSize: 6,
    learningRate: 0.03,
    weightDecay: 0,
    seed: 5,
    cache: path.join(work, 'cache'),
    out: path.join(work, out),
    rankTask: { config: rankFile, weight, margin: 0.5, laddersPerBatch: 2 },
  });
  const lastLog = async (run: string) => {
    const lines = (await fs.readFile(path.join(work, run, 'log.jsonl'), 'utf8')).trim().split('\n');
    return JSON.parse(lines[lines.length - 1]!) as { rankAccuracy: number; srcc: number };
  };

  it('orders held-out noise ladders that the MOS term alone does not', async () => {
    await runFinetune(config('mos-only', 0));
    await runFinetune(config('multi-task', 1));
    const alone = await lastLog('mos-only');
    const both = await lastLog('multi-task');
    // 3 held-out references x 15 ordered pairs of a 6-rung ladder. Fitted to blur-only MOS, noise
    // reads as detail and the MOS term alone orders the ladders backwards (0 of 45 when written).
    expect(alone.rankAccuracy).toBeLessThan(0.5);
    expect(both.rankAccuracy).toBeGreaterThan(0.85);
    const card = JSON.parse(await fs.readFile(path.join(work, 'multi-task', 'best', 'training.json'), 'utf8'));
    expect(card.config.rankTask).toEqual({ config: rankFile, weight: 1, margin: 0.5, laddersPerBatch: 2 });
  }, 300_000);

  it('checks the rankTask settings', async () => {
    const file = path.join(work, 'bad.json');
    const write = (over: object) => fs.writeFile(file, JSON.stringify({ ...config('x', 1), ...over }));
    await write({ rankTask: { config: rankFile, weight: -1, margin: 0.5, laddersPerBatch: 2 } });
    await expect(readTrainConfig(file, 'finetune')).rejects.toThrow(
      'expected a number >= 0 for "rankTask.weight" but received -1',
    );
    await write({ rankTask: { config: rankFile, weight: 1, margin: 0.5, laddersPerBatch: 0 } });
    await expect(readTrainConfig(file, 'finetune')).rejects.toThrow(
      'expected a positive integer for "rankTask.laddersPerBatch" but received 0',
    );
    await write({ microBatch: 4 });
    await expect(readTrainConfig(file, 'finetune')).rejects.toThrow('"rankTask" cannot be combined with "microBatch"');
    await write({ cut: 'block2_conv1', cropSize: 24 });
    await expect(runFinetune(await readTrainConfig(file, 'finetune'))).rejects.toThrow(
      new RegExp(
        /crops of 32 px\) to have the training crops' size above the cut block2_conv1, /.source +
          /but this run trains on crops of 24 px/.source,
      ),
    );
  });
});
