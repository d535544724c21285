import * as tf from '@tensorflow/tfjs';
import { labelPairs, rankingAccuracy, rankingHingeLoss, rankingPairs } from '../../src/training/ranking-loss.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('rankingPairs', () => {
  it('pairs every better/worse image of the same group, and only those', () => {
    const pairs = rankingPairs([
      { group: 'a', level: 0 },
      { group: 'a', level: 1 },
      { group: 'b', level: 0 },
      { group: 'a', level: 2 },
      { group: 'b', level: 3 },
    ]);
    const got = Array.from(pairs.better, (b, k) => [b, pairs.worse[k]]).sort();
    expect(got).toEqual([
      [0, 1],
      [0, 3],
      [1, 3],
      [2, 4],
    ]);
  });

  it('skips equal levels', () => {
    expect(
      rankingPairs([
        { group: 'a', level: 1 },
        { group: 'a', level: 1 },
      ]).better.length,
    ).toBe(0);
  });
});

describe('labelPairs', () => {
  it('pairs rows whose labels differ by more than the gap, better first; ties never pair', () => {
    const pairs = labelPairs([0.5, -1, 0.52, 0.5], 0.1);
    const got = Array.from(pairs.better, (b, k) => [b, pairs.worse[k]]).sort();
    expect(got).toEqual([
      [0, 1],
      [2, 1],
      [3, 1],
    ]);
    expect(labelPairs([0.5, -1, 0.52, 0.5], 0).better.length).toBe(5);
    expect(labelPairs([1, 1, 1], 0).better.length).toBe(0);
  });

  it('feeds the hinge: MOS 2 > 1 > 0 with scores [0, 1, 2] loses margin + each reversed difference', () => {
    // pairs (0,1): 1 - (0 - 1) = 2; (0,2): 1 - (0 - 2) = 3; (1,2): 1 - (1 - 2) = 2. Mean 7 / 3.
    const loss = rankingHingeLoss(tf.tensor1d([0, 1, 2]), labelPairs([2, 1, 0], 0), 1);
    expect(loss.dataSync()[0]).toBeCloseTo(7 / 3, 6);
  });
});

describe('rankingHingeLoss', () => {
  // Scores by hand: group a levels 0,1,2 -> s = [3, 2.5, 0]; margin 1.
  // pairs (0,1): 1 - 0.5 = 0.5; (0,2): 1 - 3 < 0 -> 0; (1,2): 1 - 2.5 < 0 -> 0. Mean = 0.5 / 3.
  const items = [
    { group: 'a', level: 0 },
    { group: 'a', level: 1 },
    { group: 'a', level: 2 },
  ];

  it('is the mean hinge over ordered pairs', () => {
    const loss = rankingHingeLoss(tf.tensor1d([3, 2.5, 0]), rankingPairs(items), 1);
    expect(loss.dataSync()[0]).toBeCloseTo(0.5 / 3, 6);
  });

  it('has the hand-derived gradient', () => {
    // Only pair (0,1) is active: d/ds0 = -1/3, d/ds1 = +1/3, d/ds2 = 0.
    const g = tf.grad((s: tf.Tensor) => rankingHingeLoss(s, rankingPairs(items), 1))(tf.tensor1d([3, 2.5, 0]));
    const v = Array.from(g.dataSync());
    expect(v[0]).toBeCloseTo(-1 / 3, 6);
    expect(v[1]).toBeCloseTo(1 / 3, 6);
    expect(v[2]).toBeCloseTo(0, 6);
  });

  it('is zero when every pair is ordered by more than the margin', () => {
    expect(rankingHingeLoss(tf.tensor2d([[9], [5], [1]]), rankingPairs(items), 1).dataSync()[0]).toBe(0);
  });

  it('an anchored pair has the same value and no gradient through its anchor (hand-derived)', () => {
    const anchored = [{ group: 'a', level: 0, anchor: true }, ...items.slice(1)];
    const pairs = rankingPairs(anchored);
    // The anchor heads pairs (0,1) and (0,2); pair (1,2) is between two distorted levels.
    expect(Array.from(pairs.anchored!)).toEqual([1, 1, 0]);
    expect(rankingPairs(items).anchored).toBeUndefined();
    expect(rankingHingeLoss(tf.tensor1d([3, 2.5, 0]), pairs, 1).dataSync()[0]).toBeCloseTo(0.5 / 3, 6);
    // Only pair (0,1) is active: the anchor s0 gets nothing, s1 gets +1/3 as without the anchor.
    const g = tf.grad((s: tf.Tensor) => rankingHingeLoss(s, pairs, 1))(tf.tensor1d([3, 2.5, 0]));
    expect(Array.from(g.dataSync())).toEqual([0, 1 / 3, 0].map((v) => expect.closeTo(v, 6)));
    // All three active (s = [3, 2.5, 2.2]): s1 gets +1/3 - 1/3 = 0, s2 +1/3 twice; still nothing on s0.
    const g2 = tf.grad((s: tf.Tensor) => rankingHingeLoss(s, pairs, 1))(tf.tensor1d([3, 2.5, 2.2]));
    expect(Array.from(g2.dataSync())).toEqual([0, 0, 2 / 3].map((v) => expect.closeTo(v, 6)));
  });

  it('refuses a batch without pairs', () => {
    expect(() => rankingHingeLoss(tf.tensor1d([1]), rankingPairs([{ group: 'a', level: 0 }]), 1)).toThrow(
      /at least one ranking pair/,
    );
  });
});

describe('rankingAccuracy', () => {
  it('counts correctly ordered pairs', () => {
    const pairs = rankingPairs([
      { group: 'a', level: 0 },
      { group: 'a', level: 1 },
      { group: 'a', level: 2 },
    ]);
    expect(rankingAccuracy([3, 1, 2], pairs)).toBeCloseTo(2 / 3, 9);
  });
});
