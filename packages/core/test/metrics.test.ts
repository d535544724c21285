import { evaluatePredictions, fitLogistic4, krcc, logistic4, mulberry32, plcc, rmse, srcc } from '../src/index.js';
import type { Logistic4 } from '../src/index.js';

describe('srcc', () => {
  it('no ties, by hand', () => {
    // y ranks 2,1,4,3,5; d = -1,1,-1,1,0; sum d^2 = 4; 1 - 6*4/(5*(25-1)) = 0.8
    expect(srcc([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
  });

  it('gives tied values their mid-rank (Pearson on midranks, as scipy.stats.spearmanr)', () => {
    // x = [1,2,2,3] -> ranks [1, 2.5, 2.5, 4]; y = [1,3,2,4] -> ranks [1,3,2,4]; both means 2.5.
    // deviations x: -1.5, 0, 0, 1.5;  y: -1.5, 0.5, -0.5, 1.5
    // cov = 2.25 + 0 + 0 + 2.25 = 4.5; sxx = 4.5; syy = 2.25 + .25 + .25 + 2.25 = 5
    // rho = 4.5 / sqrt(4.5 * 5) = sqrt(0.9) = 0.9486833 (the no-ties shortcut 1 - 6*sum d^2/... would say 0.95)
    expect(srcc([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(Math.sqrt(0.9), 12);
    // The order of the pairs does not matter.
    expect(srcc([2, 3, 1, 2], [2, 4, 1, 3])).toBeCloseTo(Math.sqrt(0.9), 12);
  });

  it('is +1 / -1 for any monotone relation', () => {
    expect(srcc([1, 2, 3, 4], [1, 10, 100, 1000])).toBeCloseTo(1, 12);
    expect(srcc([1, 2, 3, 4], [10, 5, 1, 0])).toBeCloseTo(-1, 12);
  });
});

describe('plcc', () => {
  it('by hand', () => {
    // x = [1,2,3,4], y = [2,4,5,9]; means 2.5, 5
    // dx = -1.5,-.5,.5,1.5; dy = -3,-1,0,4; sum dx*dy = 4.5+.5+0+6 = 11; sum dx^2 = 5; sum dy^2 = 26
    // r = 11 / sqrt(5 * 26) = 11 / sqrt(130) = 0.9647638
    expect(plcc([1, 2, 3, 4], [2, 4, 5, 9])).toBeCloseTo(11 / Math.sqrt(130), 12);
  });

  it('is +1 / -1 for exact linear relations', () => {
    expect(plcc([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(plcc([1, 2, 3], [5, 3, 1])).toBeCloseTo(-1, 12);
  });

  it('accepts typed arrays', () => {
    expect(plcc(new Float32Array([1, 2, 3, 4]), new Float64Array([2, 4, 5, 9]))).toBeCloseTo(11 / Math.sqrt(130), 6);
  });
});

describe('krcc (tau-b)', () => {
  it('no ties, by hand', () => {
    // x = [1,2,3,4], y = [1,3,2,4]: pairs (0,1)C (0,2)C (0,3)C (1,2)D (1,3)C (2,3)C -> (5 - 1)/6
    expect(krcc([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(4 / 6, 12);
  });

  it('ties in x, by hand', () => {
    // x = [1,2,2,3], y = [1,3,2,4]: C = 5, D = 0, pair (1,2) tied in x only.
    // n0 = 6, n1 (tied in x) = 1, n2 (tied in y) = 0: tau_b = 5 / sqrt((6-1)(6-0)) = 5/sqrt(30) = 0.9128709
    expect(krcc([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(5 / Math.sqrt(30), 12);
  });

  it('ties in both and a pair tied in both, by hand', () => {
    // x = [1,1,2,2], y = [1,1,1,2]: (0,1) tied in both; (0,2),(1,2) tied in y; (2,3) tied in x; (0,3),(1,3) C.
    // C = 2, D = 0; n1 = 2 ((0,1),(2,3)); n2 = 3 ((0,1),(0,2),(1,2)); tau_b = 2 / sqrt((6-2)(6-3)) = 0.5773503
    expect(krcc([1, 1, 2, 2], [1, 1, 1, 2])).toBeCloseTo(2 / Math.sqrt(12), 12);
  });

  it('is +1 / -1 for monotone relations and NaN when one side is constant', () => {
    expect(krcc([1, 2, 3, 4], [1, 10, 100, 1000])).toBe(1);
    expect(krcc([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
    expect(krcc([1, 2, 3], [5, 5, 5])).toBeNaN();
  });
});

describe('rmse', () => {
  it('by hand', () => {
    // diffs 1, 0, 2 -> mean of squares 5/3 -> sqrt = 1.2909944
    expect(rmse([1, 2, 3], [2, 2, 5])).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(rmse([3], [3])).toBe(0);
  });
});

describe('argument checks', () => {
  it.each([
    ['srcc', srcc],
    ['plcc', plcc],
    ['krcc', krcc],
  ] as const)('%s rejects mismatched lengths, too few pairs and non-finite values', (_name, fn) => {
    expect(() => fn([1, 2, 3], [1, 2])).toThrow(
      new RangeError('Expected two arrays of the same length but received 3 and 2'),
    );
    expect(() => fn([1], [1])).toThrow(new RangeError('Expected at least 2 pairs but received 1'));
    expect(() => fn([1, 2, 3], [1, Number.NaN, 3])).toThrow(
      new RangeError('Expected finite numbers but received 2 and NaN at index 1'),
    );
  });

  it('rmse rejects empty input', () => {
    expect(() => rmse([], [])).toThrow(RangeError);
  });
});

/** 40 points from a known logistic with uniform noise of +-`noise`, on x in [-3, 3]. */
function sample(truth: Logistic4, noise: number, seed = 5): { x: number[]; y: number[] } {
  const rand = mulberry32(seed);
  const x = Array.from({ length: 40 }, (_, i) => -3 + (6 * i) / 39);
  const y = x.map((v) => logistic4(truth, v) + (rand() * 2 - 1) * noise);
  return { x, y };
}

describe('logistic4 and fitLogistic4', () => {
  it('logistic4 has asymptotes b1 (right) and b2 (left) and its midpoint at b3', () => {
    const p: Logistic4 = [80, 10, 0.5, 0.8];
    expect(logistic4(p, 0.5)).toBeCloseTo(45, 12);
    expect(logistic4(p, 100)).toBeCloseTo(80, 6);
    expect(logistic4(p, -100)).toBeCloseTo(10, 6);
    // slope sign does not depend on the sign of b4
    expect(logistic4([80, 10, 0.5, -0.8], 1.3)).toBeCloseTo(logistic4(p, 1.3), 12);
  });

  it('recovers a known increasing curve from noisy samples, and the fit raises PLCC', () => {
    const truth: Logistic4 = [80, 10, 0.5, 0.8];
    const { x, y } = sample(truth, 0.2);
    const fit = fitLogistic4(x, y);
    for (const v of [-3, -1, 0, 0.5, 1, 2, 3])
      expect(Math.abs(logistic4(fit, v) - logistic4(truth, v))).toBeLessThan(0.3);
    expect(fit[0]).toBeCloseTo(80, 0);
    expect(fit[1]).toBeCloseTo(10, 0);
    expect(fit[2]).toBeCloseTo(0.5, 1);
    expect(Math.abs(fit[3])).toBeCloseTo(0.8, 1);
    const raw = plcc(x, y);
    const mapped = plcc(
      x.map((v) => logistic4(fit, v)),
      y,
    );
    expect(mapped).toBeGreaterThan(raw);
    expect(mapped).toBeGreaterThan(0.999);
  });

  it('recovers a decreasing curve (predictions where lower is better)', () => {
    const truth: Logistic4 = [5, 95, -0.4, 0.6];
    const { x, y } = sample(truth, 0.2, 11);
    const fit = fitLogistic4(x, y);
    for (const v of [-3, -0.4, 0, 3]) expect(Math.abs(logistic4(fit, v) - logistic4(truth, v))).toBeLessThan(0.3);
    expect(
      Math.abs(
        plcc(
          x.map((v) => logistic4(fit, v)),
          y,
        ),
      ),
    ).toBeGreaterThan(Math.abs(plcc(x, y)));
  });

  it('works on predictions with a small spread (scores in [0, 1], MOS in [0, 100])', () => {
    const truth: Logistic4 = [90, 20, 0.5, 0.05];
    const x = Array.from({ length: 40 }, (_, i) => 0.3 + (0.4 * i) / 39);
    const rand = mulberry32(3);
    const y = x.map((v) => logistic4(truth, v) + (rand() * 2 - 1) * 0.2);
    const fit = fitLogistic4(x, y);
    for (const v of [0.3, 0.45, 0.5, 0.6, 0.7])
      expect(Math.abs(logistic4(fit, v) - logistic4(truth, v))).toBeLessThan(0.5);
  });
  it('reaches at least the squared error of the true curve on noisy, near-linear and step-like data', () => {
    const sse = (p: Logistic4, x: number[], y: number[]) =>
      x.reduce((s, v, i) => s + (logistic4(p, v) - y[i]!) ** 2, 0);
    const cases: Array<[Logistic4, number, number]> = [
      [[80, 10, 0.5, 0.8], 15, 7], // MOS noise of +-15 on a 0-100 scale
      [[80, 10, 0.5, 3], 10, 8], // nearly linear over the sampled range
      [[60, 40, 0, 0.01], 1, 9], // almost a step
    ];
    for (const [truth, noise, seed] of cases) {
      const { x, y } = sample(truth, noise, seed);
      const fit = fitLogistic4(x, y);
      expect(fit.every(Number.isFinite)).toBe(true);
      expect(sse(fit, x, y)).toBeLessThanOrEqual(sse(truth, x, y) * (1 + 1e-9));
    }
  });

  it('rejects bad arguments like the correlations do', () => {
    expect(() => fitLogistic4([1, 2, 3], [1, 2])).toThrow(RangeError);
    expect(() => fitLogistic4([1, 2, Infinity], [1, 2, 3])).toThrow(/finite numbers/);
    expect(() => evaluatePredictions([1], [1])).toThrow(RangeError);
  });

  it('stays finite when predictions or MOS are constant', () => {
    expect(fitLogistic4([2, 2, 2], [1, 5, 9]).every(Number.isFinite)).toBe(true);
    expect(fitLogistic4([1, 2, 3], [4, 4, 4]).every(Number.isFinite)).toBe(true);
  });
});

describe('evaluatePredictions', () => {
  it('returns every field, consistent with the single metrics', () => {
    const pred = [1, 2, 3, 4];
    const mos = [10, 25, 20, 40];
    const m = evaluatePredictions(pred, mos);
    expect(Object.keys(m).sort()).toEqual([
      'krcc',
      'logistic',
      'n',
      'plcc',
      'plccLogistic',
      'rmse',
      'rmseLogistic',
      'srcc',
    ]);
    expect(m.n).toBe(4);
    // mos ranks 1,3,2,4; sum d^2 = 2; 1 - 6*2/(4*15) = 0.8
    expect(m.srcc).toBeCloseTo(0.8, 12);
    expect(m.krcc).toBeCloseTo(4 / 6, 12);
    expect(m.plcc).toBeCloseTo(plcc(pred, mos), 12);
    expect(m.rmse).toBeCloseTo(rmse(pred, mos), 12);
    expect(m.logistic).toHaveLength(4);
    expect(m.logistic.every(Number.isFinite)).toBe(true);
    expect(m.rmseLogistic).toBeCloseTo(
      rmse(
        pred.map((v) => logistic4(m.logistic, v)),
        mos,
      ),
      12,
    );
    expect(m.plccLogistic).toBeCloseTo(
      plcc(
        pred.map((v) => logistic4(m.logistic, v)),
        mos,
      ),
      12,
    );
  });

  it('maps raw predictions onto the MOS scale: RMSE drops after the logistic fit', () => {
    const truth: Logistic4 = [85, 15, 0, 1];
    const { x, y } = sample(truth, 1, 21);
    const m = evaluatePredictions(x, y);
    expect(m.rmse).toBeGreaterThan(20);
    expect(m.rmseLogistic).toBeLessThan(1);
    expect(m.plccLogistic).toBeGreaterThan(m.plcc);
    expect(m.srcc).toBeGreaterThan(0.99);
  });
});
