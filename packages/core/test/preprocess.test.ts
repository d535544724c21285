import {
  IqaError,
  assertRawImage,
  cropBoxes,
  isIqaError,
  preprocess,
  toRgb,
  writeNormalisedChw,
} from '../src/index.js';
import type { CardInput, RawImage } from '../src/index.js';
import { validCard } from './fixtures/card.js';

const IMAGENET = {
  pixelRange: [0, 1] as [number, number],
  mean: [0.485, 0.456, 0.406] as [number, number, number],
  std: [0.229, 0.224, 0.225] as [number, number, number],
};

/** A `full`-protocol input that keeps tiny images as they are. */
function fullInput(over: Partial<CardInput> = {}): CardInput {
  return { ...validCard().input, ...IMAGENET, minSize: 1, smallImage: 'reject', protocol: { kind: 'full' }, ...over };
}

/** An RGB image whose pixel (x, y) is (x, y, x + y) mod 256, so any window can be located. */
function gradientImage(width: number, height: number): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = x % 256;
      data[i + 1] = y % 256;
      data[i + 2] = (x + y) % 256;
    }
  }
  return { data, width, height, channels: 3 };
}

function norm(p: number, c: number, input: Pick<CardInput, 'pixelRange' | 'mean' | 'std'> = IMAGENET): number {
  const [lo, hi] = input.pixelRange;
  return ((p / 255) * (hi - lo) + lo - input.mean[c]!) / input.std[c]!;
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw');
}

describe('preprocess: normalisation values', () => {
  it('scales to [0, 1], subtracts the ImageNet mean, divides by std, planar CHW', () => {
    // 2x1 RGB: pixel (0,0) = (0, 128, 255), pixel (1,0) = (10, 20, 30)
    const image: RawImage = { data: new Uint8Array([0, 128, 255, 10, 20, 30]), width: 2, height: 1, channels: 3 };
    const t = preprocess(image, fullInput());
    expect(t.dims).toEqual([1, 3, 1, 2]);
    expect(t.data).toBeInstanceOf(Float32Array);
    // By hand: R plane [(0 - 0.485)/0.229, (10/255 - 0.485)/0.229] = [-2.117904, -1.946656]
    //          G plane [(128/255 - 0.456)/0.224, (20/255 - 0.456)/0.224] = [0.205182, -1.685574]
    //          B plane [(1 - 0.406)/0.225, (30/255 - 0.406)/0.225] = [2.64, -1.281569]
    const want = [-2.117904, -1.946656, 0.205182, -1.685574, 2.64, -1.281569];
    want.forEach((v, i) => {
      expect(t.data[i]).toBeCloseTo(v, 5);
    });
  });

  it('honours pixelRange [-1, 1] with mean 0 and std 1', () => {
    const image: RawImage = { data: new Uint8Array([0, 255, 51]), width: 1, height: 1, channels: 3 };
    const t = preprocess(image, fullInput({ pixelRange: [-1, 1], mean: [0, 0, 0], std: [1, 1, 1] }));
    // 0 -> -1, 255 -> 1, 51 -> 51/255*2 - 1 = -0.6
    expect(Array.from(t.data)).toEqual([-1, 1, expect.closeTo(-0.6, 6)]);
  });

  it('honours a Caffe-style pixelRange [0, 255] with per-channel mean and std', () => {
    const input = {
      pixelRange: [0, 255] as [number, number],
      mean: [123.675, 116.28, 103.53] as [number, number, number],
      std: [58.395, 57.12, 57.375] as [number, number, number],
    };
    const image: RawImage = { data: new Uint8Array([200, 100, 50]), width: 1, height: 1, channels: 3 };
    const t = preprocess(image, fullInput(input));
    // (200 - 123.675)/58.395 = 1.307047, (100 - 116.28)/57.12 = -0.285014, (50 - 103.53)/57.375 = -0.932985
    expect(t.data[0]).toBeCloseTo(1.307047, 5);
    expect(t.data[1]).toBeCloseTo(-0.285014, 5);
    expect(t.data[2]).toBeCloseTo(-0.932985, 5);
  });

  it('replicates grey into all three channels', () => {
    const image: RawImage = { data: new Uint8Array([100, 200]), width: 1, height: 2, channels: 1 };
    const t = preprocess(image, fullInput());
    expect(t.dims).toEqual([1, 3, 2, 1]);
    for (let c = 0; c < 3; c++) {
      expect(t.data[c * 2]).toBeCloseTo(norm(100, c), 5);
      expect(t.data[c * 2 + 1]).toBeCloseTo(norm(200, c), 5);
    }
  });

  it('composites RGBA onto white: rgb * a + 255 * (1 - a), rounded', () => {
    // Pixels: opaque (10, 20, 30, 255); transparent (1, 2, 3, 0); half (200, 100, 0, 128).
    // Half by hand: R (200*128 + 255*127)/255 = 57985/255 = 227.39 -> 227
    //               G (100*128 + 32385)/255 = 177.20 -> 177;  B 32385/255 = 127
    const image: RawImage = {
      data: new Uint8Array([10, 20, 30, 255, 1, 2, 3, 0, 200, 100, 0, 128]),
      width: 3,
      height: 1,
      channels: 4,
    };
    const rgb = toRgb(image);
    expect(rgb.channels).toBe(3);
    expect(Array.from(rgb.data)).toEqual([10, 20, 30, 255, 255, 255, 227, 177, 127]);
    const t = preprocess(image, fullInput());
    expect(t.data[2]).toBeCloseTo(norm(227, 0), 5); // R plane, third pixel
    expect(t.data[3 + 1]).toBeCloseTo(norm(255, 1), 5); // G plane, transparent pixel is white
  });

  it('accepts Uint8ClampedArray (ImageData) and returns RGB input unchanged from toRgb', () => {
    const image: RawImage = { data: new Uint8ClampedArray([9, 8, 7, 255]), width: 1, height: 1, channels: 4 };
    expect(Array.from(toRgb(image).data)).toEqual([9, 8, 7]);
    const rgb = gradientImage(3, 2);
    expect(toRgb(rgb)).toBe(rgb);
  });
});

describe('preprocess: protocols and shapes', () => {
  it('crops protocol gives [count, 3, size, size] and each crop is its box of the image', () => {
    const input = fullInput({ minSize: 8, protocol: { kind: 'crops', count: 5, size: 16, seed: 7 } });
    const image = gradientImage(40, 30);
    const t = preprocess(image, input);
    expect(t.dims).toEqual([5, 3, 16, 16]);
    expect(t.data.length).toBe(5 * 3 * 16 * 16);
    const boxes = cropBoxes(40, 30, 16, 5, 7);
    const plane = 16 * 16;
    boxes.forEach((b, k) => {
      for (const [dx, dy] of [
        [0, 0],
        [15, 0],
        [0, 15],
        [7, 11],
        [15, 15],
      ] as const) {
        const x = b.x + dx;
        const y = b.y + dy;
        const base = k * 3 * plane + dy * 16 + dx;
        expect(t.data[base]).toBeCloseTo(norm(x, 0), 5);
        expect(t.data[base + plane]).toBeCloseTo(norm(y, 1), 5);
        expect(t.data[base + 2 * plane]).toBeCloseTo(norm(x + y, 2), 5);
      }
    });
  });

  it('the fixture card (30 x 224 crops) gives [30, 3, 224, 224]', () => {
    const t = preprocess(gradientImage(256, 240), validCard().input);
    expect(t.dims).toEqual([30, 3, 224, 224]);
    expect(t.data.length).toBe(30 * 3 * 224 * 224);
  });

  it('full protocol keeps the size, or shrinks the longer side to maxSide', () => {
    expect(preprocess(gradientImage(20, 10), fullInput()).dims).toEqual([1, 3, 10, 20]);
    const t = preprocess(gradientImage(40, 20), fullInput({ protocol: { kind: 'full', maxSide: 10 } }));
    expect(t.dims).toEqual([1, 3, 5, 10]);
    expect(t.data.length).toBe(3 * 5 * 10);
  });

  it('full protocol with maxSide never rejects an image whose shorter side already meets minSize', () => {
    // 80x8 with maxSide 20 would shrink to 20x2, below minSize 4; the image itself is not too small.
    const input = fullInput({ minSize: 4, smallImage: 'reject', protocol: { kind: 'full', maxSide: 20 } });
    const t = preprocess(gradientImage(80, 8), input);
    expect(t.dims).toEqual([1, 3, 4, 40]);
  });

  it('upscales a small image so its shorter side reaches the crop size (smallImage: upscale)', () => {
    const input = fullInput({
      minSize: 4,
      smallImage: 'upscale',
      protocol: { kind: 'crops', count: 3, size: 16, seed: 1 },
    });
    const t = preprocess(gradientImage(8, 4), input);
    expect(t.dims).toEqual([3, 3, 16, 16]);
    // full protocol: 6x3 with minSize 12 -> 24x12
    const full = preprocess(gradientImage(6, 3), fullInput({ minSize: 12, smallImage: 'upscale' }));
    expect(full.dims).toEqual([1, 3, 12, 24]);
  });

  it('rejects a small image with IMAGE_TOO_SMALL (smallImage: reject)', () => {
    const crops = fullInput({
      minSize: 4,
      smallImage: 'reject',
      protocol: { kind: 'crops', count: 3, size: 16, seed: 1 },
    });
    const err = catchError(() => preprocess(gradientImage(20, 15), crops));
    expect(isIqaError(err, 'IMAGE_TOO_SMALL')).toBe(true);
    expect((err as Error).message).toContain('16x16');
    expect((err as Error).message).toContain('20x15');
    const full = fullInput({ minSize: 12, smallImage: 'reject' });
    expect(
      isIqaError(
        catchError(() => preprocess(gradientImage(30, 11), full)),
        'IMAGE_TOO_SMALL',
      ),
    ).toBe(true);
    expect(preprocess(gradientImage(30, 12), full).dims).toEqual([1, 3, 12, 30]);
  });
});

describe('cropBoxes', () => {
  it('is deterministic for a seed, inside the image, and differs between seeds', () => {
    const a = cropBoxes(500, 375, 224, 30, 0);
    expect(cropBoxes(500, 375, 224, 30, 0)).toEqual(a);
    expect(a).toHaveLength(30);
    for (const b of a) {
      expect(Number.isInteger(b.x) && Number.isInteger(b.y)).toBe(true);
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.y).toBeGreaterThanOrEqual(0);
      expect(b.x + b.size).toBeLessThanOrEqual(500);
      expect(b.y + b.size).toBeLessThanOrEqual(375);
      expect(b.size).toBe(224);
    }
    // crops are spread, not all at one place
    expect(new Set(a.map((b) => `${b.x},${b.y}`)).size).toBeGreaterThan(20);
    expect(cropBoxes(500, 375, 224, 30, 1)).not.toEqual(a);
  });

  it('reaches both edges when the range is tiny, and gives (0, 0) when crop equals the image', () => {
    const boxes = cropBoxes(225, 224, 224, 200, 3);
    expect(new Set(boxes.map((b) => b.x))).toEqual(new Set([0, 1]));
    expect(boxes.every((b) => b.y === 0)).toBe(true);
    expect(cropBoxes(224, 224, 224, 4, 9)).toEqual(Array(4).fill({ x: 0, y: 0, size: 224 }));
  });
});

describe('cropBoxes arguments', () => {
  it('rejects a crop larger than the image and non-integer arguments, naming them', () => {
    expect(() => cropBoxes(100, 50, 64, 3, 0)).toThrow(
      new RangeError('Expected integer at most 50 (the shorter side) for size but received 64'),
    );
    expect(() => cropBoxes(0, 50, 16, 3, 0)).toThrow(/for width but received 0/);
    expect(() => cropBoxes(100, 50, 16, -1, 0)).toThrow(/non-negative integer for count/);
    expect(() => cropBoxes(100, 50, 16, 3, 0.5)).toThrow(/integer for seed/);
    expect(cropBoxes(100, 50, 16, 0, 0)).toEqual([]);
  });
});

describe('malformed images', () => {
  const good = (): RawImage => gradientImage(4, 3);

  it('wrong buffer length is IqaError INVALID_IMAGE naming the expected and received bytes', () => {
    const err = catchError(() => preprocess({ ...good(), data: new Uint8Array(35) }, fullInput()));
    expect(err).toBeInstanceOf(IqaError);
    expect((err as IqaError).code).toBe('INVALID_IMAGE');
    expect((err as Error).message).toBe('Expected 36 bytes for a 4x3x3 image but received 35');
  });

  it('bad width/height are RangeErrors naming the field', () => {
    expect(() => assertRawImage({ ...good(), width: 0 })).toThrow(
      new RangeError('Expected positive integer for image.width but received 0'),
    );
    expect(() => assertRawImage({ ...good(), width: 2.5 })).toThrow(RangeError);
    expect(() => assertRawImage({ ...good(), height: Number.NaN })).toThrow(/image\.height but received NaN/);
  });

  it('channels 2 is a RangeError listing the allowed values', () => {
    const err = catchError(() => preprocess({ ...good(), channels: 2 as 3 }, fullInput()));
    expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message).toBe('Expected 1, 3 or 4 for image.channels but received 2');
  });

  it('non-byte data and non-objects are TypeErrors naming the field', () => {
    expect(() => assertRawImage({ ...good(), data: [1, 2, 3] as unknown as Uint8Array })).toThrow(
      new TypeError('Expected Uint8Array or Uint8ClampedArray for image.data but received an array of 3'),
    );
    expect(() => assertRawImage({ ...good(), data: new Float32Array(36) as unknown as Uint8Array })).toThrow(
      /image\.data.*Float32Array/,
    );
    expect(() => assertRawImage(null as unknown as RawImage, 'photo')).toThrow(TypeError);
    expect(() => assertRawImage(null as unknown as RawImage, 'photo')).toThrow(/for photo but received null/);
  });

  it('an image over MAX_PIXELS is IMAGE_TOO_LARGE, checked before allocating anything', () => {
    const err = catchError(() => assertRawImage({ data: new Uint8Array(3), width: 20000, height: 20000, channels: 3 }));
    expect(isIqaError(err, 'IMAGE_TOO_LARGE')).toBe(true);
  });
});

test('writeNormalisedChw gives each level p the float32 of p * a + b computed in float64 (the old table)', () => {
  const levels = new Uint8Array(256 * 3);
  for (let p = 0; p < 256; p++) levels.set([p, 255 - p, (p * 7) % 256], 3 * p);
  const image: RawImage = { data: levels, width: 16, height: 16, channels: 3 };
  for (const input of [
    IMAGENET,
    { pixelRange: [-1, 1] as [number, number], mean: [0.1, 0.2, 0.3], std: [0.7, 0.8, 0.9] },
  ]) {
    const out = new Float32Array(3 * 256);
    writeNormalisedChw(image, 0, 0, 16, 16, input as typeof IMAGENET, out, 0);
    const [lo, hi] = input.pixelRange;
    for (let i = 0; i < 256; i++) {
      for (let c = 0; c < 3; c++) {
        const a = (hi - lo) / 255 / input.std[c]!;
        const b = (lo - input.mean[c]!) / input.std[c]!;
        expect(out[c * 256 + i]).toBe(Math.fround(levels[3 * i + c]! * a + b));
      }
    }
  }
});
