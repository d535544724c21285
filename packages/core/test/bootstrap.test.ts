import { bootstrapInterval, mulberry32, pairedBootstrap, plcc, srcc } from '../src/index.js';

/** n pairs with Pearson correlation rho (bivariate normal, Box-Muller on a seeded PRNG). */
function correlated(n: number, rho: number, seed: number): { x: number[]; y: number[] } {
  const rand = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = normal();
    x.push(a);
    y.push(rho * a + Math.sqrt(1 - rho * rho) * normal());
  }
  return { x, y };
}

describe('bootstrapInterval', () => {
  it('is a point for a perfect monotone relation', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    const ci = bootstrapInterval(
      x,
      x.map((v) => v ** 3),
      srcc,
      { resamples: 200 },
    );
    expect(ci.estimate).toBeCloseTo(1, 12);
    expect(ci.low).toBeCloseTo(1, 12);
    expect(ci.high).toBeCloseTo(1, 12);
  });

  it('matches the textbook width of a Pearson correlation: about 2 x 1.96 (1 - r^2) / sqrt(n)', () => {
    const { x, y } = correlated(400, 0.6, 3);
    const ci = bootstrapInterval(x, y, plcc, { resamples: 1000, seed: 1 });
    expect(ci.estimate).toBeCloseTo(plcc(x, y), 12);
    expect(ci.low).toBeLessThan(ci.estimate);
    expect(ci.high).toBeGreaterThan(ci.estimate);
    const expected = (2 * 1.96 * (1 - ci.estimate ** 2)) / Math.sqrt(400);
    expect(ci.high - ci.low).toBeGreaterThan(0.8 * expected);
    expect(ci.high - ci.low).toBeLessThan(1.25 * expected);
    expect(ci.resamples).toBe(1000);
  });

  it(
    'draws from every image: the interval of a mean is centred on it, with the normal width 2 x 1.96 sd / ' + 'sqrt(n)',
    () => {
      const values = Array.from({ length: 400 }, (_, i) => i);
      const mean = (p: ArrayLike<number>) => Array.from(p).reduce((a, b) => a + b, 0) / p.length;
      const ci = bootstrapInterval(values, values, mean, { resamples: 1000 });
      const sd = Math.sqrt(values.reduce((a, v) => a + (v - 199.5) ** 2, 0) / 400);
      expect((ci.low + ci.high) / 2).toBeCloseTo(199.5, -1);
      expect(ci.high - ci.low).toBeGreaterThan(0.85 * ((2 * 1.96 * sd) / 20));
      expect(ci.high - ci.low).toBeLessThan(1.15 * ((2 * 1.96 * sd) / 20));
    },
  );

  it('narrows with more images and with a lower level', () => {
    const small = correlated(50, 0.7, 5);
    const large = correlated(800, 0.7, 5);
    const w = (c: { low: number; high: number }) => c.high - c.low;
    expect(w(bootstrapInterval(large.x, large.y, srcc, { resamples: 300 }))).toBeLessThan(
      w(bootstrapInterval(small.x, small.y, srcc, { resamples: 300 })) / 2.5,
    );
    const c95 = bootstrapInterval(small.x, small.y, srcc, { resamples: 300 });
    const c80 = bootstrapInterval(small.x, small.y, srcc, { resamples: 300, level: 0.8 });
    expect(c80.low).toBeGreaterThan(c95.low);
    expect(c80.high).toBeLessThan(c95.high);
  });

  it('repeats with a seed and moves with another', () => {
    const { x, y } = correlated(60, 0.5, 9);
    expect(bootstrapInterval(x, y, srcc, { resamples: 100, seed: 4 })).toEqual(
      bootstrapInterval(x, y, srcc, { resamples: 100, seed: 4 }),
    );
    expect(bootstrapInterval(x, y, srcc, { resamples: 100, seed: 5 }).low).not.toBe(
      bootstrapInterval(x, y, srcc, { resamples: 100, seed: 4 }).low,
    );
  });

  it('names what was wrong with its arguments', () => {
    expect(() => bootstrapInterval([1, 2, 3], [1, 2, 3], srcc, { resamples: 5 })).toThrow(
      'Expected an integer of at least 10 resamples but received 5',
    );
    expect(() => bootstrapInterval([1, 2, 3], [1, 2, 3], srcc, { level: 95 })).toThrow(
      'Expected a confidence level between 0 and 1 (exclusive) but received 95',
    );
    expect(() => bootstrapInterval([1, 2, 3], [1, 2, 3], srcc, { seed: 0.5 })).toThrow(
      'Expected an integer bootstrap seed but received 0.5',
    );
    expect(() => bootstrapInterval([1, 2], [1, 2], srcc)).toThrow('Expected at least 3 pairs but received 2');
  });
});

describe('pairedBootstrap', () => {
  const { x: truth, y: noisy } = correlated(150, 0.6, 11);
  const rand = mulberry32(12);
  const better = truth.map((v) => v + 0.3 * (rand() - 0.5));

  it('finds no difference between a predictor and itself', () => {
    const r = pairedBootstrap(noisy, noisy, truth, srcc, { resamples: 100 });
    expect(r.difference).toMatchObject({ estimate: 0, low: 0, high: 0 });
    expect(r.shareAhead).toBe(0);
  });

  it('puts a clearly better predictor ahead in almost every resample, and the interval above 0', () => {
    const r = pairedBootstrap(better, noisy, truth, srcc, { resamples: 500 });
    expect(r.difference.estimate).toBeCloseTo(srcc(better, truth) - srcc(noisy, truth), 12);
    expect(r.difference.low).toBeGreaterThan(0);
    expect(r.shareAhead).toBeGreaterThan(0.99);
    const swapped = pairedBootstrap(noisy, better, truth, srcc, { resamples: 500 });
    expect(swapped.difference.high).toBeLessThan(0);
    expect(swapped.shareAhead).toBeLessThan(0.01);
  });

  it('is narrower than the two unpaired intervals when the predictors share their errors', () => {
    // B is A plus a little noise: most of their error is common, and pairing cancels it.
    const b = noisy.map((v) => v + 0.1 * (rand() - 0.5));
    const paired = pairedBootstrap(noisy, b, truth, srcc, { resamples: 300 }).difference;
    const single = bootstrapInterval(noisy, truth, srcc, { resamples: 300 });
    expect(paired.high - paired.low).toBeLessThan((single.high - single.low) / 3);
  });

  it('checks that both predictors match the MOS list', () => {
    expect(() => pairedBootstrap([1, 2, 3], [1, 2], [1, 2, 3], srcc)).toThrow(
      'Expected two arrays of the same length but received 2 and 3',
    );
  });
});
