/**
 * Reused input buffers: the pool hands back what it was given (stale contents), and preprocessing into a stale
 * buffer gives the same tensor as into a fresh one, for every input layout that takes a pool.
 */
import { readFileSync } from 'node:fs';
import { BufferPool } from '../src/preprocess/buffer-pool.js';
import { type CardInput, type PatchCardInput, type RawImage, preprocess, scorerFromParts } from '../src/index.js';
import { pixelGraphInput, validCard } from './fixtures/card.js';

function noise(width: number, height: number, channels: 1 | 3 | 4, seed: number): RawImage {
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = (Math.imul(i + seed, 2654435761) >>> 24) & 255;
  return { data, width, height, channels };
}

const crops: CardInput = {
  ...validCard().input,
  minSize: 8,
  smallImage: 'upscale',
  protocol: { kind: 'crops', count: 3, size: 8, seed: 5 },
};
const pixelGraph = pixelGraphInput();
// CNNIQA's input (grey, 3x3 LCN) with 8px patches; WaDIQaM-NR's RGB patches the same.
const cnniqa = JSON.parse(readFileSync(new URL('../../../models/cnniqa-clive/card.json', import.meta.url), 'utf8'));
const greyPatches: PatchCardInput = {
  ...cnniqa.input,
  minSize: 8,
  smallImage: 'upscale',
  protocol: { kind: 'patches', size: 8, stride: 8 },
};
const rgbPatches: PatchCardInput = { ...greyPatches, channels: 3, lcn: undefined };

describe('BufferPool', () => {
  test('gives back a released buffer of the same type and length, else a new one', () => {
    const pool = new BufferPool(2);
    const f = pool.float32(6);
    const b = pool.uint8(6);
    pool.release(f);
    pool.release(b);
    expect(pool.uint8(6)).toBe(b);
    expect(pool.float32(5)).not.toBe(f);
    expect(pool.float32(6)).toBe(f);
  });

  test('keeps at most `keep` buffers, the newest, and drops detached ones', () => {
    const pool = new BufferPool(1);
    const [a, b] = [pool.float32(4), pool.float32(4)];
    pool.release(a);
    pool.release(b);
    expect(pool.float32(4)).toBe(b);
    expect(pool.float32(4)).not.toBe(a);
    const detached = new Float32Array(4);
    structuredClone(detached.buffer, { transfer: [detached.buffer] }); // as a worker's postMessage would
    pool.release(detached);
    expect(pool.float32(0)).not.toBe(detached);
    expect(pool.float32(4)).not.toBe(detached);
    expect(() => new BufferPool(-1)).toThrow(new RangeError('Expected non-negative integer for keep but received -1'));
  });
});

describe.each([
  ['crops, RGBA', crops, noise(20, 14, 4, 1), noise(20, 14, 4, 2)],
  ['crops, grey, upscaled', crops, noise(6, 5, 1, 3), noise(6, 5, 1, 4)],
  ['full image, RGB', { ...crops, protocol: { kind: 'full' as const } }, noise(9, 8, 3, 5), noise(9, 8, 3, 6)],
  ['pixel graph, RGBA', pixelGraph, noise(17, 16, 4, 7), noise(17, 16, 4, 8)],
  ['grey LCN patches, RGBA', greyPatches, noise(26, 17, 4, 9), noise(26, 17, 4, 10)],
  ['RGB patches, grey, upscaled', rgbPatches, noise(7, 9, 1, 11), noise(7, 9, 1, 12)],
])('preprocess with a pool: %s', (_name, input, first, second) => {
  test('equals preprocess without one, into a reused, stale buffer', () => {
    const pool = new BufferPool(2);
    const a = preprocess(first, input, pool);
    const kept = Float32Array.from(a.data);
    pool.release(a.data);
    const b = preprocess(second, input, pool);
    expect(b.data).toBe(a.data); // the same buffer, overwritten
    const fresh = preprocess(second, input);
    expect(b.dims).toEqual(fresh.dims);
    expect(Array.from(b.data)).toEqual(Array.from(fresh.data));
    expect(Array.from(kept)).toEqual(Array.from(preprocess(first, input).data));
  });
});

test('a scorer reuses its input buffer from image to image, and its scores do not change', async () => {
  const card = validCard();
  card.input = { ...crops, pixelRange: [0, 1], mean: [0, 0, 0], std: [1, 1, 1] };
  const seen: Float32Array[] = [];
  const run = async (t: { data: Float32Array; dims: number[] }) => {
    seen.push(t.data);
    return Float32Array.from({ length: t.dims[0]! }, (_, i) => t.data[i * 192]!);
  };
  const images = [noise(20, 14, 4, 1), noise(20, 14, 4, 2), noise(20, 14, 4, 1)];
  const scorer = scorerFromParts({
    card,
    device: 'cpu',
    decode: async (i: number) => images[i]!,
    run,
    release: async () => {},
  });
  const scores = [];
  for (const i of [0, 1, 2]) scores.push(await scorer.score(i));
  expect(seen[1]).toBe(seen[0]);
  expect(seen[2]).toBe(seen[0]);
  expect(scores[2]).toBe(scores[0]);
  expect(scores[1]).not.toBe(scores[0]);
  await scorer.dispose();
});

test('images in flight at once never share a buffer: scoreBatch scores as one image at a time does', async () => {
  const card = validCard();
  card.input = { ...crops, pixelRange: [0, 1], mean: [0, 0, 0], std: [1, 1, 1] };
  const images = Array.from({ length: 8 }, (_, i) => noise(20, 14, 4, i + 1));
  const inFlight = new Set<Float32Array>();
  let shared = 0;
  // Reads the tensor after a delay, so a buffer handed to another image meanwhile would change the result.
  const run = async (t: { data: Float32Array; dims: number[] }) => {
    if (inFlight.has(t.data)) shared++;
    inFlight.add(t.data);
    await new Promise((resolve) => setTimeout(resolve, 5));
    inFlight.delete(t.data);
    return Float32Array.from({ length: t.dims[0]! }, (_, i) => t.data[i * 192]! + t.data[i * 192 + 7]!);
  };
  const parts = { card, device: 'cpu' as const, decode: async (i: number) => images[i]!, run, release: async () => {} };
  const batch = await scorerFromParts({ ...parts, concurrency: 3 }).scoreBatch(images.map((_, i) => i));
  const one = scorerFromParts(parts);
  const alone = [];
  for (const i of images.keys()) alone.push(await one.score(i));
  expect(shared).toBe(0);
  expect(batch.map((o) => o.score)).toEqual(alone);
});
