/**
 * WaDIQaM-NR's patch protocol: RGB patches (`channels: 3`, no grey, no normalisation) on the CNNIQA grid, and the
 * weighted-average aggregation of a card with `output.weight` (validation, the second output, the score).
 */
import {
  IqaError,
  aggregateWeighted,
  checkSessionIo,
  patchTensor,
  protocolText,
  scorePixelsDetail,
  secondOutputName,
  validateCard,
  valuesPerItem,
} from '../src/index.js';
import type { ModelCard, PatchCardInput, RawImage } from '../src/index.js';
import { validCard } from './fixtures/card.js';

const INPUT: PatchCardInput = {
  name: 'image',
  layout: 'patches',
  channels: 3,
  colorSpace: 'sRGB',
  pixelRange: [0, 1],
  minSize: 32,
  smallImage: 'upscale',
  protocol: { kind: 'patches', size: 32, stride: 32, maxPatches: 64 },
};

function weightedCard(): ModelCard {
  const card: ModelCard = validCard();
  card.input = { ...INPUT, protocol: { ...INPUT.protocol } };
  card.output = { ...card.output, weight: { name: 'weight', kind: 'patch-weight' } };
  card.architecture = {
    network: 'wadiqam-nr',
    backbone: 'WaDIQaM-NR',
    taps: ['features'],
    pooling: ['max'],
    params: 1,
  };
  return card;
}

/** A `width` x `height` RGB image whose channels follow small integer formulas (mod 256). */
function formulaImage(width: number, height: number): RawImage {
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

describe('RGB patches', () => {
  it('are the grid of RGB planes, levels scaled to pixelRange, NCHW per patch', () => {
    const image = formulaImage(70, 40);
    const t = patchTensor(image, INPUT);
    // floor((70 - 32) / 32) + 1 = 2 columns, 1 row.
    expect(t.dims).toEqual([2, 3, 32, 32]);
    const plane = 32 * 32;
    for (const [p, x0] of [
      [0, 0],
      [1, 32],
    ] as const)
      for (const [x, y] of [
        [0, 0],
        [5, 7],
        [31, 31],
      ] as const)
        for (let c = 0; c < 3; c++) {
          const level = image.data[((y * 70 + x0 + x) * 3 + c) as number]!;
          expect(t.data[p * 3 * plane + c * plane + y * 32 + x]).toBeCloseTo(level / 255, 6);
        }
  });

  it('composite alpha onto white, upscale small images and cap the count at maxPatches', () => {
    const rgba: RawImage = { data: new Uint8Array(40 * 40 * 4).fill(0), width: 40, height: 40, channels: 4 };
    expect(Array.from(patchTensor(rgba, INPUT).data.slice(0, 3))).toEqual([1, 1, 1]);
    expect(patchTensor(formulaImage(20, 16), INPUT).dims).toEqual([1, 3, 32, 32]);
    expect(patchTensor(formulaImage(500, 500), INPUT).dims).toEqual([64, 3, 32, 32]);
  });

  it('are a card input without grey or normalisation', () => {
    expect(validateCard(weightedCard()).input).toMatchObject({ channels: 3, layout: 'patches' });
    const grey = weightedCard();
    (grey.input as PatchCardInput).grey = 'bt601';
    (grey.input as PatchCardInput).lcn = { size: 3, c: 1 };
    expect(() => validateCard(grey)).toThrow(/card\.input\.grey: expected no grey conversion for RGB patches/);
    expect(() => validateCard(grey)).toThrow(/card\.input\.lcn: expected no normalisation for RGB patches/);
    const two = weightedCard();
    (two.input as { channels: number }).channels = 2;
    expect(() => validateCard(two)).toThrow(/card\.input\.channels/);
  });
});

describe('weighted-average aggregation', () => {
  it('is sum(w q) / sum(w), then scale and offset', () => {
    expect(aggregateWeighted([1, 3, 2, 1], { scale: 1, offset: 0 })).toBeCloseTo(1.25, 12);
    expect(aggregateWeighted([1, 1, 3, 1], { scale: 10, offset: 5 })).toBeCloseTo(25, 12);
    expect(() => aggregateWeighted([1, 0, 2, 0], { scale: 1, offset: 0 })).toThrow(IqaError);
    expect(() => aggregateWeighted([1, 2, 3], { scale: 1, offset: 0 })).toThrow(/pairs of patch score and weight/);
  });

  it('reads the card: two values per patch, the weight output beside the score, "weighted mean" in words', async () => {
    const card = validateCard(weightedCard());
    expect(valuesPerItem(card)).toBe(2);
    expect(secondOutputName(card)).toBe('weight');
    expect(protocolText(card)).toBe('weighted mean of 32px patches, stride 32');
    expect(() => checkSessionIo({ inputNames: ['image'], outputNames: ['score'] }, card, 'm.onnx')).toThrow(
      /outputs "score" and "weight"/,
    );
    // Two patches (70x40): scores 1 and 3 with weights 3 and 1 -> 1.5, times the card's scale plus its offset.
    const detail = await scorePixelsDetail(card, formulaImage(70, 40), async () => Float32Array.from([1, 3, 3, 1]));
    expect(detail).toEqual({ score: 1.5 * card.output.scale + card.output.offset });
  });

  it('is refused on a card that is not a patch card, or beside a spread', () => {
    const crops = validCard();
    crops.output = { ...crops.output, weight: { name: 'weight', kind: 'patch-weight' } };
    expect(() => validateCard(crops)).toThrow(/card\.input\.layout: expected "patches" \(output\.weight weighs/);
    const both = weightedCard();
    both.output.spread = { name: 'std', kind: 'std', scale: 1 };
    expect(() => validateCard(both)).toThrow(/either spread or weight, not both/);
    const same = weightedCard();
    same.output.weight = { name: same.output.name, kind: 'patch-weight' };
    expect(() => validateCard(same)).toThrow(/card\.output\.weight\.name/);
  });
});
