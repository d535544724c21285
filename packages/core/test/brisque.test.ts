import { BRISQUE_FEATURE_NAMES, IqaError, brisqueFeatures, isIqaError, mulberry32 } from '../src/index.js';
import type { RawImage } from '../src/index.js';
import { aggdMean, fitAggd, gammaFn } from '../src/classic/aggd-fit.js';
import { greyPlane, mscn, pairMoments, resizeCubic } from '../src/classic/mscn.js';
import { addNoise, boxBlur, texturedImage } from './fixtures/brisque-images.js';

function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Samples of an AGGD whose halves are Gaussian (shape 2) with the given left and right sigmas. */
function aggdSamples(n: number, left: number, right: number, seed: number): Float64Array {
  const rand = mulberry32(seed);
  return Float64Array.from({ length: n }, () => {
    const mag = Math.abs(normal(rand));
    return rand() < left / (left + right) ? -left * mag : right * mag;
  });
}

describe('AGGD fit', () => {
  it('computes the gamma function', () => {
    expect(gammaFn(0.5)).toBeCloseTo(Math.sqrt(Math.PI), 13);
    expect(gammaFn(5)).toBeCloseTo(24, 11);
    expect(gammaFn(0.2)).toBeCloseTo(4.590843711998803, 12);
  });

  it('recovers shape 2 and both sigmas of a two-sided Gaussian, and its mean', () => {
    const fit = fitAggd(aggdSamples(200_000, 0.5, 1.5, 3))!;
    expect(fit.shape).toBeGreaterThan(1.9);
    expect(fit.shape).toBeLessThan(2.1);
    expect(fit.leftSigma).toBeCloseTo(0.5, 2);
    expect(fit.rightSigma).toBeCloseTo(1.5, 2);
    // The AGGD mean with shape 2 is sqrt(2/pi) (right - left).
    expect(aggdMean({ shape: 2, leftSigma: 0.5, rightSigma: 1.5 })).toBeCloseTo(Math.sqrt(2 / Math.PI), 12);
  });

  it('recovers shape 1 of a Laplacian', () => {
    const rand = mulberry32(11);
    const laplace = Float64Array.from({ length: 200_000 }, () => (rand() < 0.5 ? -1 : 1) * -Math.log(1 - rand()));
    const fit = fitAggd(laplace)!;
    expect(fit.shape).toBeGreaterThan(0.95);
    expect(fit.shape).toBeLessThan(1.05);
  });

  it('gives undefined when one side is empty', () => {
    expect(fitAggd([0, 1, 2])).toBeUndefined();
  });
});

describe('BRISQUE image steps', () => {
  it('halves a linear ramp with the cubic filter to the ramp at the new centres (replicated edges aside)', () => {
    const width = 20;
    const ramp = { data: Float64Array.from({ length: width * 4 }, (_, i) => i % width), width, height: 4 };
    const half = resizeCubic(ramp, 10, 2);
    for (let x = 1; x < 9; x++) expect(half.data[x]).toBeCloseTo(2 * x + 0.5, 12);
    // The edges replicate: the first output reads x = -1 as x = 0.
    expect(half.data[0]).toBeCloseTo(0.5 - 0.09375, 12);
  });

  it('converts RGB to BT.601 grey rounded to 8 bits like OpenCV', () => {
    const grey = greyPlane({
      data: Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 200, 30]),
      width: 4,
      height: 1,
      channels: 3,
    });
    expect(Array.from(grey.data, (v) => Math.round(v * 255))).toEqual([76, 150, 29, 124]);
  });

  it('gives MSCN coefficients with zero mean on noise', () => {
    const rand = mulberry32(5);
    const plane = { data: Float64Array.from({ length: 64 * 64 }, () => rand()), width: 64, height: 64 };
    const m = mscn(plane);
    const mean = m.data.reduce((a, b) => a + b, 0) / m.data.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(m.data.every(Number.isFinite)).toBe(true);
  });

  it('accumulates the moments of the pairwise products, zero outside the image', () => {
    // 3 x 2:  1 -2  3
    //        -1  2  0.5
    const plane = { data: Float64Array.from([1, -2, 3, -1, 2, 0.5]), width: 3, height: 2 };
    const h = pairMoments(plane, [0, 1]); // products -2, -6, -2, 1 (and two zeros at the right edge)
    expect([h.n, h.posCount, h.negCount, h.posSq, h.negSq, h.absSum]).toEqual([6, 1, 3, 1, 44, 11]);
    const d2 = pairMoments(plane, [-1, 1]); // row 1 with row 0, one column right: -1 * -2, 2 * 3
    expect([d2.n, d2.posCount, d2.negCount, d2.posSq]).toEqual([6, 2, 0, 40]);
  });
});

describe('brisqueFeatures', () => {
  const textured = texturedImage(96, 80);

  it('returns 36 named features', () => {
    const f = brisqueFeatures(textured);
    expect(f).toHaveLength(36);
    expect(BRISQUE_FEATURE_NAMES).toHaveLength(36);
    expect(BRISQUE_FEATURE_NAMES[18]).toBe('s2.mscn.shape');
    expect(Array.from(f).every(Number.isFinite)).toBe(true);
  });

  it('reads grey and RGB with equal channels the same', () => {
    const grey = greyPlane(textured);
    const g: RawImage = {
      data: Uint8Array.from(grey.data, (v) => Math.round(v * 255)),
      width: 96,
      height: 80,
      channels: 1,
    };
    const rgb: RawImage = {
      data: Uint8Array.from({ length: g.data.length * 3 }, (_, i) => g.data[Math.floor(i / 3)]!),
      width: 96,
      height: 80,
      channels: 3,
    };
    expect(Array.from(brisqueFeatures(rgb))).toEqual(Array.from(brisqueFeatures(g)));
  });

  it('orders neighbour correlation: fewer negative H products when blurred, more when noisy (scale 1)', () => {
    const h = BRISQUE_FEATURE_NAMES.indexOf('s1.h.leftVar');
    const blurred = brisqueFeatures(boxBlur(textured, 2))[h]!;
    const clean = brisqueFeatures(textured)[h]!;
    const noisy = brisqueFeatures(addNoise(textured, 60))[h]!;
    expect(blurred).toBeLessThan(clean / 4);
    expect(noisy).toBeGreaterThan(clean * 4);
  });

  it('rejects images below 16 pixels a side, flat images and malformed input with typed errors', () => {
    const small = { data: new Uint8Array(15 * 40 * 3), width: 15, height: 40, channels: 3 as const };
    expect(() => brisqueFeatures(small)).toThrow(
      'Expected at least 16x16 pixels for the BRISQUE image but received "15x40"',
    );
    try {
      brisqueFeatures(small);
    } catch (err) {
      expect(isIqaError(err, 'IMAGE_TOO_SMALL')).toBe(true);
    }
    const flat = { data: new Uint8Array(32 * 32).fill(90), width: 32, height: 32, channels: 1 as const };
    expect(() => brisqueFeatures(flat)).toThrow(IqaError);
    expect(() => brisqueFeatures(flat)).toThrow(/flat image/);
    expect(() => brisqueFeatures({ ...textured, data: new Uint8Array(10) })).toThrow(/Expected 23040 bytes/);
    expect(() => brisqueFeatures({ ...textured, channels: 2 as never })).toThrow(RangeError);
  });
});
