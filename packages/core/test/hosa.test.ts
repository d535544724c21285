import {
  type HosaCodebook,
  type HosaModel,
  IqaError,
  hosaEncode,
  hosaFeatureCount,
  hosaFeatures,
  hosaMoments,
  hosaPatches,
  hosaScore,
  parseHosaModel,
  protocolText,
  scoreHosa,
  validateCard,
} from '../src/index.js';
import { pixelGraphInput, validCard } from './fixtures/card.js';

const grey = (width: number, height: number, at: (x: number, y: number) => number) => ({
  data: Uint8Array.from({ length: width * height }, (_, i) => at(i % width, Math.floor(i / width))),
  width,
  height,
  channels: 1 as const,
});

/** K = 2 codewords of 2x2 patches; r = 1 (hard assignment), so the statistics can be worked out by hand. */
function tinyCodebook(overrides: Partial<HosaCodebook> = {}): HosaCodebook {
  return {
    patch: 2,
    c: 10,
    r: 1,
    beta: 0.05,
    alpha: 1,
    eps: 1e-4,
    means: [
      [0, 0, 0, 0],
      [1, -1, 1, -1],
    ],
    variances: [
      [0.5, 0.5, 0.5, 0.5],
      [0, 0, 0, 0],
    ],
    skewness: [
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ],
    ...overrides,
  };
}

describe('hosaPatches', () => {
  it('cuts non-overlapping patches from the top-left corner and normalises each by (std + C)', () => {
    // 17x16: 2 rows x 2 columns of 7x7 patches; the last 3 columns and 2 rows are left out.
    const img = grey(17, 16, (x, y) => (x + 3 * y) % 256);
    const p = hosaPatches(img, 7, 10);
    expect(p.count).toBe(4);
    expect(p.dims).toBe(49);
    // The first patch: levels x + 3y for x, y < 7; mean 3 + 9 = 12; sample std by hand.
    const levels = Array.from({ length: 49 }, (_, i) => (i % 7) + 3 * Math.floor(i / 7));
    const std = Math.sqrt(levels.reduce((a, v) => a + (v - 12) ** 2, 0) / 48);
    levels.forEach((v, i) => {
      expect(p.data[i]).toBeCloseTo((v - 12) / (std + 10), 12);
    });
    // Patch 2 (second row, first column) starts at y = 7.
    expect(p.data[2 * 49]).toBeCloseTo((21 - (21 + 12)) / (std + 10), 12);
    // Every patch has mean 0.
    for (let i = 0; i < 4; i++)
      expect(p.data.subarray(i * 49, i * 49 + 49).reduce((a, v) => a + v, 0)).toBeCloseTo(0, 12);
  });

  it('gives zeros for a flat patch and uses OpenCV grey for RGB', () => {
    expect(
      Array.from(
        hosaPatches(
          grey(16, 16, () => 77),
          7,
          10,
        ).data,
      ).every((v) => v === 0),
    ).toBe(true);
    const rgb = {
      data: Uint8Array.from({ length: 16 * 16 * 3 }, (_, i) => (i % 3 === 1 ? 200 : 0)),
      width: 16,
      height: 16,
    };
    const p = hosaPatches({ ...rgb, channels: 3 }, 7, 10);
    expect(Array.from(p.data).every((v) => v === 0)).toBe(true);
  });

  it('refuses images under 16 pixels a side and bad settings', () => {
    expect(() =>
      hosaPatches(
        grey(15, 40, () => 0),
        7,
        10,
      ),
    ).toThrow(IqaError);
    expect(() =>
      hosaPatches(
        grey(15, 40, () => 0),
        7,
        10,
      ),
    ).toThrow('Expected at least 16x16 pixels for the HOSA image but received "15x40"');
    expect(() =>
      hosaPatches(
        grey(16, 16, () => 0),
        1,
        10,
      ),
    ).toThrow(RangeError);
    expect(() =>
      hosaPatches(
        grey(16, 16, () => 0),
        7,
        0,
      ),
    ).toThrow('Expected a positive number for c but received 0');
  });
});

describe('hosaMoments', () => {
  it('gives the weighted mean, variance and skewness from raw sums', () => {
    // Values 0, 0, 3 with weight 1 each: mean 1, variance 2, third central moment (1 + 1 - 8) / -3 ... = 2.
    const m = hosaMoments(3, 3, 9, 27, 1e-4);
    expect(m.mean).toBeCloseTo(1, 12);
    expect(m.variance).toBeCloseTo(2, 12);
    expect(m.skewness).toBeCloseTo(2 / (2 + 1e-4) ** 1.5, 12);
    // A symmetric set has no skewness: -1 and 1, weights 0.5 each.
    expect(hosaMoments(1, 0, 1, 0, 1e-4).skewness).toBeCloseTo(0, 12);
  });
});

describe('hosaEncode', () => {
  it('aggregates each codeword’s patches, subtracts its statistics, and normalises', () => {
    const cb = tinyCodebook();
    // Two patches near codeword 1, none near codeword 0.
    const patches = { data: Float64Array.from([1, -1, 1, -1, 3, -1, 1, -1]), count: 2, dims: 4 };
    const f = hosaEncode(patches, cb);
    expect(f.length).toBe(hosaFeatureCount(cb));
    expect(f.length).toBe(24);
    // Codeword 0 has no patches: its 12 numbers are 0.
    expect(Array.from(f.subarray(0, 12)).every((v) => v === 0)).toBe(true);
    // Codeword 1: mean (2, -1, 1, -1) - (1, -1, 1, -1) = (1, 0, 0, 0); variance (1, 0, 0, 0); skewness 0.
    const raw = [1, 0, 0, 0, 1, 0, 0, 0];
    const norm = Math.sqrt(2);
    raw.forEach((v, j) => {
      expect(f[12 + j]).toBeCloseTo(v / norm, 10);
    });
    expect(Array.from(f.subarray(20)).every((v) => Math.abs(v) < 1e-9)).toBe(true);
    expect(Math.hypot(...f)).toBeCloseTo(1, 12);
  });

  it('soft-assigns to the r nearest with weights exp(-beta d²), and signed-power normalises', () => {
    const cb = tinyCodebook({ r: 2, beta: 0.5, alpha: 0.5 });
    const x = [0.5, -0.5, 0.5, -0.5];
    const f = hosaEncode({ data: Float64Array.from(x), count: 1, dims: 4 }, cb);
    // Both codewords are at squared distance 1: equal weights, each codeword's mean is the patch itself.
    const residual = [...x.map((v) => v - 0), ...[-0.5, -0.5, -0.5, -0.5], 0, 0, 0, 0];
    const residual1 = [...x.map((v, j) => v - cb.means[1]![j]!), 0, 0, 0, 0, 0, 0, 0, 0];
    const powered = [...residual, ...residual1].map((v) => Math.sign(v) * Math.sqrt(Math.abs(v)));
    const norm = Math.hypot(...powered);
    powered.forEach((v, i) => {
      expect(f[i]).toBeCloseTo(v / norm, 10);
    });
  });

  it('refuses patches of the wrong size', () => {
    expect(() => hosaEncode({ data: new Float64Array(9), count: 1, dims: 9 }, tinyCodebook())).toThrow(
      'Expected patches of 4 values for patches.dims but received 9',
    );
  });
});

describe('HOSA model files', () => {
  const model = (): HosaModel => ({
    format: 'iqa-zoo/hosa',
    version: 1,
    codebook: tinyCodebook(),
    weights: Array.from({ length: 24 }, (_, i) => i - 12),
    bias: 50,
  });

  it('scores w.f + b', () => {
    const f = new Array(24).fill(0);
    f[13] = 1;
    expect(hosaScore(f, model())).toBe(51);
    const img = grey(16, 16, (x, y) => (x * y) % 256);
    const features = hosaFeatures(img, model().codebook);
    expect(scoreHosa(img, model())).toBeCloseTo(features.reduce((a, v, i) => a + v * (i - 12), 0) + 50, 10);
    expect(() => hosaScore(new Float64Array(5), model())).toThrow(
      'Expected 24 HOSA features for features but received a Float64Array of 5',
    );
  });

  it('checks a model file', () => {
    expect(parseHosaModel(JSON.parse(JSON.stringify(model())))).toEqual(model());
    expect(() => parseHosaModel({ ...model(), format: 'x' })).toThrow(IqaError);
    expect(() => parseHosaModel({ ...model(), weights: [1] })).toThrow(
      'Expected 24 finite weights for the HOSA model.weights but received an array of 1',
    );
    expect(() => parseHosaModel({ ...model(), codebook: { ...tinyCodebook(), r: 3 } })).toThrow(
      'Expected an integer from 1 to 2 (the codewords) for the HOSA model.codebook.r but received 3',
    );
    expect(() =>
      parseHosaModel({ ...model(), codebook: { ...tinyCodebook(), skewness: [[0, 0, 0, 0], [0]] } }),
    ).toThrow('Expected 4 finite values for the HOSA model.codebook.skewness[1] but received an array of 1');
    expect(() => parseHosaModel(null)).toThrow(/format/);
  });
});

describe('the hosa protocol in cards', () => {
  const card = () => ({
    ...validCard(),
    input: { ...pixelGraphInput(), protocol: { kind: 'hosa', patch: 7 } },
    architecture: { network: 'hosa', backbone: 'x', taps: [], pooling: [], params: 1 },
    training: { ...validCard().training, data: [{ name: 'pristine', role: 'codebook', images: 1, licence: 'x' }] },
  });

  it('accepts a pixel graph with protocol hosa and codebook data, and says so in words', () => {
    const c = validateCard(card());
    expect(c.input.protocol).toEqual({ kind: 'hosa', patch: 7 });
    expect(protocolText(c)).toBe('full image, 7px patches');
  });

  it('refuses a patch larger than the size floor, and protocol hosa on a feature input', () => {
    const big = card();
    big.input.protocol.patch = 17;
    expect(() => validateCard(big)).toThrow(/card\.input\.protocol\.patch/);
    const features = { ...card(), input: { ...card().input, layout: 'features', features: 'brisque-36' } };
    expect(() => validateCard(features)).toThrow(/card\.input\.protocol\.kind/);
  });
});
