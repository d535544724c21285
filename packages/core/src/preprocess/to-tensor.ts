import type { CardInput, ModelInput } from '../card/types.js';
import { featureTensor, pixelGraphTensor } from '../classic/feature-input.js';
import { IqaError, expected } from '../errors.js';
import { type BufferPool, float32Buffer } from './buffer-pool.js';
import { patchTensor } from './patches.js';
import { mulberry32 } from './random.js';
import { type RawImage, assertRawImage, withRgb } from './raw-image.js';
import { resizeImage } from './resize.js';

/** A float32 tensor in row-major order with its dimensions. */
export interface TensorData {
  data: Float32Array;
  dims: number[];
}

/** A crop's top-left corner and size, in the (possibly resized) image. */
export interface CropBox {
  x: number;
  y: number;
  size: number;
}

/**
 * The crop boxes of the `crops` protocol: `count` boxes of `size`, placed by mulberry32(`seed`).
 * They depend only on the arguments, so every runtime picks the same crops.
 */
export function cropBoxes(width: number, height: number, size: number, count: number, seed: number): CropBox[] {
  for (const [name, v] of [
    ['width', width],
    ['height', height],
    ['size', size],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(expected('positive integer', name, v));
  }
  if (size > Math.min(width, height)) {
    throw new RangeError(expected(`integer at most ${Math.min(width, height)} (the shorter side)`, 'size', size));
  }
  if (!Number.isInteger(count) || count < 0) throw new RangeError(expected('non-negative integer', 'count', count));
  if (!Number.isInteger(seed)) throw new RangeError(expected('integer', 'seed', seed));
  const rand = mulberry32(seed);
  const boxes: CropBox[] = [];
  for (let i = 0; i < count; i++) {
    const x = Math.floor(rand() * (width - size + 1));
    const y = Math.floor(rand() * (height - size + 1));
    boxes.push({ x, y, size });
  }
  return boxes;
}

/**
 * Writes the `w` x `h` window at (`x0`, `y0`) of an RGB image into `out` (planar CHW) at `offset`,
 * scaled to `pixelRange` and normalised by `mean`/`std`.
 */
export function writeNormalisedChw(
  rgb: RawImage,
  x0: number,
  y0: number,
  w: number,
  h: number,
  input: Pick<CardInput, 'pixelRange' | 'mean' | 'std'>,
  out: Float32Array,
  offset: number,
): void {
  const [lo, hi] = input.pixelRange;
  const plane = w * h;
  const data = rgb.data;
  // v = ((p / 255) * (hi - lo) + lo - mean) / std  ==  p * a + b, in float64, rounded once to float32 on the store
  // (the same values as a table of the 256 levels; without the table it took about half the CPU: docs/speed.md).
  const [a0, a1, a2] = [0, 1, 2].map((c) => (hi - lo) / 255 / input.std[c]!) as [number, number, number];
  const [b0, b1, b2] = [0, 1, 2].map((c) => (lo - input.mean[c]!) / input.std[c]!) as [number, number, number];
  // One pass over the source pixels, writing the three planes.
  let dst = offset;
  for (let y = 0; y < h; y++) {
    let src = ((y0 + y) * rgb.width + x0) * 3;
    for (const end = dst + w; dst < end; dst++, src += 3) {
      out[dst] = data[src]! * a0 + b0;
      out[dst + plane] = data[src + 1]! * a1 + b1;
      out[dst + 2 * plane] = data[src + 2]! * a2 + b2;
    }
  }
}

/**
 * Scales so the longer side is at most `maxSide`, but never so far that the shorter side drops
 * below `minSide`. An image whose own shorter side is below `minSide` is upscaled or refused.
 */
export function fitImage(
  rgb: RawImage,
  minSide: number,
  maxSide: number | undefined,
  policy: CardInput['smallImage'],
): RawImage {
  const { width, height } = rgb;
  const shorter = Math.min(width, height);
  if (shorter < minSide && policy === 'reject') {
    throw new IqaError(
      'IMAGE_TOO_SMALL',
      `Expected an image at least ${minSide}x${minSide} pixels but received ${width}x${height}; this model's card ` +
        `refuses smaller images`,
    );
  }
  let scale = 1;
  if (maxSide !== undefined && Math.max(width, height) > maxSide) scale = maxSide / Math.max(width, height);
  if (shorter * scale < minSide) scale = minSide / shorter;
  if (scale === 1) return rgb;
  const w = Math.max(minSide, Math.round(width * scale));
  const h = Math.max(minSide, Math.round(height * scale));
  return resizeImage(rgb, w, h);
}

/**
 * Turns decoded pixels into the network's NCHW float32 input, as the card's `input` says:
 * grey and RGBA become RGB, small images are upscaled (or refused), and the test-time protocol
 * gives either one full-image tensor `[1,3,H,W]` or `[K,3,S,S]` crops. A classic model's card
 * (protocol `brisque`) gives its `[1,36]` feature tensor (`layout: 'features'`, `featureTensor`) or its
 * `[1,H,W,3]` RGB levels (`layout: 'NHWC'`, `pixelGraphTensor`). A patch model's card (`layout: 'patches'`) gives
 * `[N,1,S,S]` grey, locally contrast-normalised patches (`patchTensor`).
 *
 * With `pool`, the tensor's buffer and any RGB copy come from it (stale contents, every value is written); the RGB
 * copy goes back before this returns, the tensor's buffer is the caller's to give back once the run is over.
 *
 * @example
 * const t = preprocess({ data, width: 500, height: 375, channels: 4 }, card.input);
 * t.dims; // [30, 3, 224, 224]
 */
export function preprocess(image: RawImage, input: ModelInput, pool?: BufferPool): TensorData {
  if (input.layout === 'features') return featureTensor(image, input);
  if (input.layout === 'NHWC') return pixelGraphTensor(image, input, pool);
  if (input.layout === 'patches') return patchTensor(image, input, pool);
  assertRawImage(image);
  return withRgb(image, pool, (rgb) => cropTensor(rgb, input, pool));
}

/** The NCHW tensor of an RGB image: the card's crops, or the whole (fitted) image. */
function cropTensor(rgb: RawImage, input: CardInput, pool: BufferPool | undefined): TensorData {
  const alloc = (n: number) => float32Buffer(pool, n);
  const p = input.protocol;
  if (p.kind === 'crops') {
    const fitted = fitImage(rgb, Math.max(p.size, input.minSize), undefined, input.smallImage);
    const boxes = cropBoxes(fitted.width, fitted.height, p.size, p.count, p.seed);
    const plane = 3 * p.size * p.size;
    const data = alloc(boxes.length * plane);
    boxes.forEach((b, i) => {
      writeNormalisedChw(fitted, b.x, b.y, b.size, b.size, input, data, i * plane);
    });
    return { data, dims: [boxes.length, 3, p.size, p.size] };
  }
  const fitted = fitImage(rgb, input.minSize, p.maxSide, input.smallImage);
  const data = alloc(3 * fitted.width * fitted.height);
  writeNormalisedChw(fitted, 0, 0, fitted.width, fitted.height, input, data, 0);
  return { data, dims: [1, 3, fitted.height, fitted.width] };
}
