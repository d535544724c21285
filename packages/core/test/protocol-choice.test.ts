/** chooseProtocol: the crop count (and seed) as a caller's choice over the card's protocol. */
import { type CardInput, type ModelCard, chooseProtocol, cropBoxes, preprocess } from '@iqa-zoo/core';

const input: CardInput = {
  name: 'image',
  layout: 'NCHW',
  channels: 3,
  colorSpace: 'sRGB',
  pixelRange: [0, 1],
  mean: [0, 0, 0],
  std: [1, 1, 1],
  minSize: 8,
  smallImage: 'upscale',
  protocol: { kind: 'crops', count: 30, size: 8, seed: 5 },
};
const card = { id: 'm', input } as unknown as ModelCard;

test('no choice is the card input itself; crops and cropSeed replace only count and seed', () => {
  expect(chooseProtocol(card)).toBe(input);
  expect(chooseProtocol(card, { crops: 4 }).protocol).toEqual({ kind: 'crops', count: 4, size: 8, seed: 5 });
  expect(chooseProtocol(card, { cropSeed: 2 }).protocol).toEqual({ kind: 'crops', count: 30, size: 8, seed: 2 });
  expect(chooseProtocol(card, { crops: 1, cropSeed: 0 }).protocol).toEqual({
    kind: 'crops',
    count: 1,
    size: 8,
    seed: 0,
  });
  expect(input.protocol).toEqual({ kind: 'crops', count: 30, size: 8, seed: 5 });
});

test('N crops are the first N of the card draw, so the tensor is a prefix of the full one', () => {
  const image = {
    data: Uint8Array.from({ length: 20 * 13 * 3 }, (_, i) => (i * 37) % 256),
    width: 20,
    height: 13,
    channels: 3 as const,
  };
  const all = preprocess(image, input);
  const four = preprocess(image, chooseProtocol(card, { crops: 4 }));
  expect(four.dims).toEqual([4, 3, 8, 8]);
  expect(Array.from(four.data)).toEqual(Array.from(all.data.subarray(0, four.data.length)));
  expect(cropBoxes(20, 13, 8, 4, 5)).toEqual(cropBoxes(20, 13, 8, 30, 5).slice(0, 4));
});

test('bad values are RangeErrors naming the option; a full-image model has no crops to choose', () => {
  expect(() => chooseProtocol(card, { crops: 0 })).toThrow('Expected integer from 1 to 1024 for crops but received 0');
  expect(() => chooseProtocol(card, { crops: 2.5 })).toThrow(RangeError);
  expect(() => chooseProtocol(card, { cropSeed: -1 })).toThrow(RangeError);
  const full = { id: 'f', input: { ...input, protocol: { kind: 'full' } } } as unknown as ModelCard;
  expect(chooseProtocol(full)).toBe(full.input);
  expect(() => chooseProtocol(full, { crops: 4 })).toThrow('"f" scores the whole image (protocol "full")');
  const patches = { id: 'p', input: { protocol: { kind: 'patches', size: 32, stride: 32 } } } as unknown as ModelCard;
  expect(() => chooseProtocol(patches, { crops: 4 })).toThrow('"p" scores every 32px patch (protocol "patches")');
});
