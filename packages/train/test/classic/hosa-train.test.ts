import { createRequire } from 'node:module';
import { hosaMoments, mulberry32 } from '@iqa-zoo/core';
import { buildHosaCodebook, crossValidateLinearSvr, fitLinearSvr, gramMatrix, linearPredict } from '../../src/index.js';

const SETTINGS = { patch: 2, c: 10, r: 2, beta: 0.05, alpha: 0.2, eps: 1e-4 };

describe('buildHosaCodebook', () => {
  it('finds well-separated clusters and records their statistics', () => {
    const rand = mulberry32(3);
    const centres = [
      [5, 0, 0, 0],
      [0, 5, 0, 0],
      [0, 0, -5, 5],
    ];
    const rows: number[] = [];
    for (let i = 0; i < 300; i++) rows.push(...centres[i % 3]!.map((v) => v + (rand() - 0.5)));
    const cb = buildHosaCodebook(Float64Array.from(rows), 4, SETTINGS, { k: 3, seed: 1 });
    expect(cb).toMatchObject(SETTINGS);
    // Each true centre has a codeword within 0.1, and each cluster's variance is about 1/12 (uniform noise of width 1).
    for (const c of centres) {
      const q = cb.means.findIndex((m) => m.every((v, j) => Math.abs(v - c[j]!) < 0.1));
      expect(q).toBeGreaterThanOrEqual(0);
      cb.variances[q]!.forEach((v) => {
        expect(v).toBeGreaterThan(1 / 12 - 0.03);
        expect(v).toBeLessThan(1 / 12 + 0.03);
      });
    }
    // The statistics are core's hosaMoments of the members: check one dimension of one cluster by hand.
    const members: number[] = [];
    for (let i = 0; i < 300; i += 3) members.push(rows[i * 4]!);
    const q = cb.means.findIndex((m) => m[0]! > 2);
    const sums = [members.length, ...[1, 2, 3].map((p) => members.reduce((a, v) => a + v ** p, 0))] as const;
    const expected = hosaMoments(sums[0], sums[1]!, sums[2]!, sums[3]!, SETTINGS.eps);
    expect(cb.means[q]![0]).toBeCloseTo(expected.mean, 10);
    expect(cb.skewness[q]![0]).toBeCloseTo(expected.skewness, 8);
  });

  it('refuses rows that do not fit the settings', () => {
    expect(() => buildHosaCodebook(new Float64Array(8), 3, SETTINGS, { k: 2, seed: 1 })).toThrow(RangeError);
    expect(() => buildHosaCodebook(new Float64Array(4), 4, SETTINGS, { k: 2, seed: 1 })).toThrow(
      'Expected at least 2 rows of 4 values for rows',
    );
  });
});

describe('fitLinearSvr', () => {
  const data = (n: number, d: number, seed: number) => {
    const rand = mulberry32(seed);
    const w = Array.from({ length: d }, () => rand() - 0.5);
    const rows = Array.from({ length: n }, () => Float64Array.from({ length: d }, () => rand() - 0.5));
    const y = rows.map((r) => 50 + 40 * r.reduce((a, v, j) => a + v * w[j]!, 0) + 4 * (rand() - 0.5));
    return { rows, y };
  };

  it("gives LIBSVM's own linear SVR on the raw features (the Cholesky rows pose the same problem)", async () => {
    const { rows, y } = data(60, 40, 1);
    const params = { C: 10, epsilon: 1 };
    const svr = await fitLinearSvr(rows, y, params);
    const SVM = await (createRequire(import.meta.url)('libsvm-js/wasm.js') as Promise<
      typeof import('libsvm-js/wasm.js').default extends Promise<infer T> ? T : never
    >);
    const direct = new SVM({
      type: SVM.SVM_TYPES.EPSILON_SVR,
      kernel: SVM.KERNEL_TYPES.LINEAR,
      cost: 10,
      epsilon: 1,
      quiet: true,
    });
    direct.train(rows, y);
    const test = data(20, 40, 2).rows;
    try {
      test.forEach((r) => {
        expect(Math.abs(linearPredict(r, svr) - direct.predictOne(r))).toBeLessThan(1e-6);
      });
      expect(svr.supportVectors).toBe(direct.getSVIndices().length);
    } finally {
      direct.free();
    }
    // It fits: the training rows are predicted well.
    const err = rows.map((r, i) => Math.abs(linearPredict(r, svr) - y[i]!));
    expect(err.reduce((a, v) => a + v, 0) / err.length).toBeLessThan(3);
  }, 60_000);

  it('takes a precomputed Gram matrix, and cross-validates fold by fold', async () => {
    const { rows, y } = data(40, 25, 3);
    const params = { C: 5, epsilon: 0.5 };
    const a = await fitLinearSvr(rows, y, params);
    const b = await fitLinearSvr(rows, y, params, gramMatrix(rows));
    expect(Array.from(b.weights)).toEqual(Array.from(a.weights));
    const pred = await crossValidateLinearSvr(rows, y, params, 4, 1);
    expect(pred.every(Number.isFinite)).toBe(true);
    // Out-of-fold predictions differ from in-sample ones.
    expect(pred.some((p, i) => Math.abs(p - linearPredict(rows[i]!, a)) > 1e-3)).toBe(true);
    await expect(fitLinearSvr(rows, y, { C: 0, epsilon: 1 })).rejects.toThrow('Expected a positive number for C');
    await expect(fitLinearSvr(rows, y, params, new Float64Array(3))).rejects.toThrow(RangeError);
  }, 60_000);
});
