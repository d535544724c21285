/**
 * The patch protocol (CNNIQA): BT.601 grey, local contrast normalisation of the whole image, the patch grid,
 * small and large images, and the card's patch input in validation and `preprocess`.
 */
import {
  IqaError,
  greyPlane,
  patchGrid,
  patchTensor,
  preprocess,
  scorePixels,
  toRgb,
  validateCard,
} from '../src/index.js';
import type { ModelCard, PatchCardInput, RawImage } from '../src/index.js';
import { validCard } from './fixtures/card.js';

const INPUT: PatchCardInput = {
  name: 'image',
  layout: 'patches',
  channels: 1,
  colorSpace: 'sRGB',
  grey: 'bt601',
  pixelRange: [0, 255],
  lcn: { size: 3, c: 1 },
  minSize: 32,
  smallImage: 'upscale',
  protocol: { kind: 'patches', size: 32, stride: 32 },
};

/** An 8x6 RGB image whose channels follow small integer formulas (mod 256). */
function formulaImage(): RawImage {
  const width = 8;
  const height = 6;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 37 + y * 11) % 256;
      data[i + 1] = (x * x * 5 + y * 23) % 256;
      data[i + 2] = (x * 13 + y * y * 7) % 256;
    }
  return { data, width, height, channels: 3 };
}

function noise(width: number, height: number, channels: 3 | 4, seed = 1): RawImage {
  let s = seed;
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s >>> 24;
  }
  return { data, width, height, channels };
}

function patchCard(input: PatchCardInput = INPUT): ModelCard {
  const card: ModelCard = validCard();
  card.input = { ...input, ...(input.lcn ? { lcn: { ...input.lcn } } : {}), protocol: { ...input.protocol } };
  card.architecture = { network: 'cnniqa', backbone: 'CNNIQA', taps: ['conv1'], pooling: ['max', 'min'], params: 1 };
  return card;
}

describe('greyPlane', () => {
  test('is BT.601 luma in float, scaled to the pixel range', () => {
    const rgb: RawImage = {
      data: Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]),
      width: 4,
      height: 1,
      channels: 3,
    };
    expect(Array.from(greyPlane(rgb, [0, 255]))).toEqual(
      [76.245, 149.685, 29.07, 18.15].map((v) => expect.closeTo(v, 4)),
    );
    expect(greyPlane(rgb, [0, 1])[3]).toBeCloseTo(18.15 / 255, 6);
  });
});

describe('patchGrid', () => {
  test('a 500x500 image gives 15 x 15 = 225 patches of 32 at stride 32, row-major from the corner', () => {
    const grid = patchGrid(500, 500, INPUT.protocol);
    expect(grid).toHaveLength(225);
    expect(grid[0]).toEqual({ x: 0, y: 0 });
    expect(grid[1]).toEqual({ x: 32, y: 0 });
    expect(grid[15]).toEqual({ x: 0, y: 32 });
    expect(grid[224]).toEqual({ x: 448, y: 448 });
  });

  test('counts floor((side - size) / stride) + 1 per axis', () => {
    expect(patchGrid(100, 70, INPUT.protocol)).toHaveLength(3 * 2);
    expect(patchGrid(32, 32, INPUT.protocol)).toHaveLength(1);
    expect(patchGrid(64, 40, { kind: 'patches', size: 32, stride: 16 })).toHaveLength(3);
  });

  test('maxPatches keeps a regular subsample of the grid, the same every time', () => {
    const all = patchGrid(320, 320, INPUT.protocol);
    const some = patchGrid(320, 320, { ...INPUT.protocol, maxPatches: 10 });
    expect(some).toHaveLength(10);
    // grid index floor((i + 0.5) * 100 / 10) = 5, 15, ..., 95
    expect(some).toEqual([5, 15, 25, 35, 45, 55, 65, 75, 85, 95].map((k) => all[k]));
    expect(patchGrid(320, 320, { ...INPUT.protocol, maxPatches: 500 })).toEqual(all);
  });

  test('bad arguments are RangeErrors naming the field', () => {
    expect(() => patchGrid(500, 500, { kind: 'patches', size: 0, stride: 32 })).toThrow(
      /Expected positive integer for protocol.size but received 0/,
    );
    expect(() => patchGrid(500, 500, { ...INPUT.protocol, maxPatches: 1.5 })).toThrow(/protocol.maxPatches/);
    expect(() => patchGrid(20, 500, INPUT.protocol)).toThrow(RangeError);
  });
});

describe('patchTensor', () => {
  const small: PatchCardInput = { ...INPUT, minSize: 4, protocol: { kind: 'patches', size: 4, stride: 4 } };

  test('local contrast normalisation of the whole image (3x3, C = 1, edge repeated), to 6 digits', () => {
    // Expected values: numpy, grey = 0.299 R + 0.587 G + 0.114 B, np.pad(grey, 1, mode='edge'), (I - mean) / (std + 1)
    // over each 3x3 window; the image is 8x6, so the 4x4 grid has two patches, x 0..3 and x 4..7 of rows 0..3.
    const t = patchTensor(formulaImage(), small);
    expect(t.dims).toEqual([2, 1, 4, 4]);
    const expected = [
      [-0.91512076, -0.42902373, -0.34695975, -0.28942524],
      [-0.32165481, -0.11162244, -0.09604409, -0.08330895],
      [-0.30153433, -0.10711659, -0.09314561, -0.08140547],
      [-0.28355754, -0.10281025, -0.09028743, -0.07948546],
      [-0.24751172, -0.21585607, 0.69930273, 0.29766554],
      [-0.0730783, -0.06483643, 0.87671728, -1.19143648],
      [-0.0717885, -0.06393352, 0.94353552, -0.6919389],
      [-0.07046635, 0.38852447, 1.23662111, -0.46267662],
    ].flat();
    Array.from(t.data).forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i]!, 6);
    });
  });

  test('a 500x500 image gives [225, 1, 32, 32]; each patch is the whole-image normalisation cut out', () => {
    const img = noise(500, 500, 3);
    const t = patchTensor(img, INPUT);
    expect(t.dims).toEqual([225, 1, 32, 32]);
    // Patch 16 (x 32, y 32) equals the same window of a 96x96 crop's normalisation where the crop has real neighbours.
    const crop = new Uint8Array(96 * 96 * 3);
    for (let y = 0; y < 96; y++) crop.set(img.data.subarray(y * 1500, y * 1500 + 288), y * 288);
    const c = patchTensor({ data: crop, width: 96, height: 96, channels: 3 }, INPUT);
    expect(Array.from(c.data.subarray(4 * 1024, 5 * 1024))).toEqual(Array.from(t.data.subarray(16 * 1024, 17 * 1024)));
    let sum = 0;
    for (const v of t.data) sum += v;
    expect(Math.abs(sum / t.data.length)).toBeLessThan(0.05);
  });

  test('RGBA is composited onto white before the grey conversion', () => {
    const rgba = noise(64, 48, 4, 9);
    expect(patchTensor(rgba, INPUT).data).toEqual(patchTensor(toRgb(rgba), INPUT).data);
  });

  test('a small image is upscaled to the patch size, or refused, as the card says', () => {
    const tiny = noise(20, 40, 3);
    expect(patchTensor(tiny, INPUT).dims).toEqual([2, 1, 32, 32]);
    const refuse = { ...INPUT, smallImage: 'reject' as const };
    expect(() => patchTensor(tiny, refuse)).toThrow(IqaError);
    expect(() => patchTensor(tiny, refuse)).toThrow(/Expected an image at least 32x32 pixels but received 20x40/);
  });

  test('a large image is capped at maxPatches', () => {
    const t = patchTensor(noise(1024, 768, 3), { ...INPUT, protocol: { ...INPUT.protocol, maxPatches: 100 } });
    expect(t.dims).toEqual([100, 1, 32, 32]);
  });

  test('an impossible LCN size is an INVALID_CARD error naming the field', () => {
    const bad = { ...INPUT, lcn: { size: 2, c: 1 } };
    expect(() => patchTensor(noise(32, 32, 3), bad)).toThrow(/card.input.lcn.size/);
  });
});

describe('the patch input in a card', () => {
  test('validates, and preprocess and scorePixels follow it', async () => {
    const card = validateCard(patchCard());
    const img = noise(100, 70, 3);
    const t = preprocess(img, card.input);
    expect(t.dims).toEqual([6, 1, 32, 32]);
    expect(t.data).toEqual(patchTensor(img, INPUT).data);
    const score = await scorePixels(card, img, async (x) => Float32Array.from({ length: x.dims[0]! }, (_, i) => i));
    expect(score).toBeCloseTo(2.5 * card.output.scale + card.output.offset, 6);
  });

  test('bad patch fields are listed by path with what was expected', () => {
    const card = patchCard() as unknown as Record<string, Record<string, unknown>>;
    card.input = { ...card.input, channels: 2, grey: 'srgb', lcn: { size: 4, c: 0 } };
    card.input.protocol = { kind: 'patches', size: 64, stride: 0 };
    let message = '';
    try {
      validateCard(card);
    } catch (err) {
      expect(err).toBeInstanceOf(IqaError);
      expect((err as IqaError).code).toBe('INVALID_CARD');
      message = (err as Error).message;
    }
    expect(message).toMatch(/card.input.channels: expected one of 1, 3 but received 2/);
    expect(message).toMatch(/card.input.grey: expected one of "bt601" but received "srgb"/);
    expect(message).toMatch(/card.input.lcn.size: expected an odd positive integer but received 4/);
    expect(message).toMatch(/card.input.lcn.c: expected a positive finite number but received 0/);
    expect(message).toMatch(/card.input.protocol.size: expected an integer >= 1 and <= 32 but received 64/);
    expect(message).toMatch(/card.input.protocol.stride: expected an integer >= 1 but received 0/);
  });

  test('a patches protocol on an NCHW input names the layout it needs', () => {
    const card = validCard() as unknown as Record<string, Record<string, unknown>>;
    card.input!.protocol = { kind: 'patches', size: 32, stride: 32 };
    expect(() => validateCard(card)).toThrow(/card.input.layout: expected "patches"/);
  });
});
