import { mulberry32, predictSvr } from '@iqa-zoo/core';
import { crossValidatedPredictions, fitSvr, gridSearchSvr, kFoldAssignment } from '../../src/classic/index.js';

/** y = sin(3 u) + v² on u, v in [-1, 1], with the two features stored at very different scales. */
function dataset(n: number, seed: number): { rows: number[][]; y: number[] } {
  const rand = mulberry32(seed);
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = 2 * rand() - 1;
    const v = 2 * rand() - 1;
    rows.push([1000 + 500 * u, 0.001 * v]);
    y.push(Math.sin(3 * u) + v * v);
  }
  return { rows, y };
}

const rmse = (a: number[], b: number[]): number => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / a.length);

describe('fitSvr', () => {
  const train = dataset(300, 1);
  const test = dataset(200, 2);

  it('regresses a non-linear function of features on different scales (RBF kernel, [-1, 1] scaling)', () => {
    const fitted = fitSvr(train.rows, train.y, { C: 10, gamma: 1, epsilon: 0.01 });
    const pred = test.rows.map((r) => predictSvr(r, fitted.model));
    fitted.dispose();
    // The target's standard deviation is about 0.78; the best linear fit leaves about 0.5.
    expect(rmse(pred, test.y)).toBeLessThan(0.05);
    expect(fitted.model.scaling.min[0]).toBeGreaterThan(500);
    expect(fitted.model.scaling.max[1]).toBeLessThan(0.001);
  });

  it('matches LIBSVM own predictions to 1e-9 through the exported data', () => {
    const fitted = fitSvr(train.rows, train.y, { C: 4, gamma: 2, epsilon: 0.05 });
    const ours = test.rows.map((r) => predictSvr(r, fitted.model));
    const theirs = fitted.libsvmPredict(test.rows);
    fitted.dispose();
    ours.forEach((v, i) => {
      expect(Math.abs(v - theirs[i]!)).toBeLessThan(1e-9);
    });
    expect(fitted.model.supportVectors.length).toBeGreaterThan(10);
    expect(fitted.model.supportVectors.length).toBeLessThan(300);
  });

  it('rejects bad hyper-parameters and mismatched targets', () => {
    expect(() => fitSvr(train.rows, train.y, { C: 0, gamma: 1, epsilon: 0.1 })).toThrow(
      'Expected a positive number for C but received 0',
    );
    expect(() => fitSvr(train.rows, train.y.slice(1), { C: 1, gamma: 1, epsilon: 0.1 })).toThrow(RangeError);
  });
});

describe('gridSearchSvr', () => {
  it('cuts rows into k folds of near-equal size, the same for the same seed', () => {
    const folds = kFoldAssignment(23, 5, 9);
    const sizes = [0, 1, 2, 3, 4].map((f) => folds.filter((x) => x === f).length);
    expect(sizes.reduce((a, b) => a + b)).toBe(23);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(Array.from(kFoldAssignment(23, 5, 9))).toEqual(Array.from(folds));
    expect(() => kFoldAssignment(3, 5, 1)).toThrow('Expected an integer from 2 to 3 for the fold count but received 5');
  });

  it('predicts each row from a model fitted without it, and prefers the kernel width that fits', () => {
    const { rows, y } = dataset(200, 3);
    const folds = kFoldAssignment(rows.length, 4, 1);
    const oof = crossValidatedPredictions(rows, y, { C: 10, gamma: 1, epsilon: 0.01 }, folds);
    expect(oof.every(Number.isFinite)).toBe(true);
    expect(rmse(oof, y)).toBeLessThan(0.1);
    const seen: number[] = [];
    const { best, results } = gridSearchSvr(
      rows,
      y,
      { C: [10], gamma: [0.001, 1], epsilon: [0.01] },
      { folds: 4, seed: 1, onResult: (_, done) => seen.push(done) },
    );
    expect(seen).toEqual([1, 2]);
    expect(best.gamma).toBe(1);
    expect(results[1]!.srcc).toBeGreaterThan(results[0]!.srcc);
  });
});
