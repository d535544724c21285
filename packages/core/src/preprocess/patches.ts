/**
 * The patch protocol of CNNIQA (Kang, Ye, Li and Doermann, "Convolutional Neural Networks for No-Reference Image
 * Quality Assessment", CVPR 2014): grey, local contrast normalisation, non-overlapping patches on a grid; and of
 * WaDIQaM-NR (Bosse et al., IEEE TIP 2018): the same grid of RGB patches, levels scaled to the card's range.
 * One implementation for runtime-node, runtime-web and training.
 */
import type { PatchCardInput, PatchProtocol } from '../card/types.js';
import { IqaError, expected } from '../errors.js';
import { type BufferPool, float32Buffer } from './buffer-pool.js';
import { type RawImage, assertRawImage, withRgb } from './raw-image.js';
import { type TensorData, fitImage } from './to-tensor.js';

/** A patch's top-left corner in the (possibly upscaled) image. */
export interface PatchOrigin {
  x: number;
  y: number;
}

/**
 * The top-left corners of the protocol's patches, row-major: a grid from (0, 0) with step `stride`,
 * `floor((width - size) / stride) + 1` per row (lidq92/CNNIQA's grid), subsampled regularly to `maxPatches`.
 *
 * @example
 * patchGrid(500, 500, { kind: 'patches', size: 32, stride: 32 }).length; // 225
 */
export function patchGrid(width: number, height: number, protocol: PatchProtocol): PatchOrigin[] {
  const { size, stride, maxPatches } = protocol;
  for (const [name, v] of [
    ['size', size],
    ['stride', stride],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(expected('positive integer', `protocol.${name}`, v));
  }
  if (maxPatches !== undefined && (!Number.isInteger(maxPatches) || maxPatches < 1))
    throw new RangeError(expected('positive integer', 'protocol.maxPatches', maxPatches));
  if (Math.min(width, height) < size)
    throw new RangeError(expected(`an image at least ${size}x${size}`, 'patchGrid', `${width}x${height}`));
  const cols = Math.floor((width - size) / stride) + 1;
  const rows = Math.floor((height - size) / stride) + 1;
  const n = cols * rows;
  const take = maxPatches !== undefined && maxPatches < n ? maxPatches : n;
  const out: PatchOrigin[] = [];
  for (let i = 0; i < take; i++) {
    const k = take === n ? i : Math.floor(((i + 0.5) * n) / take);
    out.push({ x: (k % cols) * stride, y: Math.floor(k / cols) * stride });
  }
  return out;
}

/**
 * BT.601 luma in float of an interleaved RGB image, scaled from 0..255 to `pixelRange`: one value per pixel.
 *
 * @example
 * greyPlane(rgb, [0, 255])[0]; // 0.299 * R + 0.587 * G + 0.114 * B of the first pixel
 */
export function greyPlane(rgb: RawImage, pixelRange: [number, number]): Float32Array {
  if (rgb.channels !== 3) throw new RangeError(expected('an RGB image (3 channels)', 'greyPlane', rgb.channels));
  const [lo, hi] = pixelRange;
  const k = (hi - lo) / 255;
  const src = rgb.data;
  const out = new Float32Array(rgb.width * rgb.height);
  for (let i = 0, s = 0; i < out.length; i++, s += 3)
    out[i] = (0.299 * src[s]! + 0.587 * src[s + 1]! + 0.114 * src[s + 2]!) * k + lo;
  return out;
}

/** `writeLcnPatch`'s halo and row sums, grown as needed (synchronous use only). */
let scratch = new Float64Array(0);

/**
 * Writes the local contrast normalisation of the `size` x `size` window at (`x0`, `y0`) of a grey plane into `out`
 * at `offset`: (I - mu) / (sigma + c), mu and sigma (population std, from the window's sum and sum of squares in
 * float64) over the `lcn.size` x `lcn.size` neighbourhood, coordinates outside the image clamped to its edge (the same
 * as scipy's `boundary='symm'` for a 3x3 window). The same numbers as normalising the whole plane and cutting the
 * window out of it.
 */
export function writeLcnPatch(
  grey: Float32Array,
  width: number,
  height: number,
  x0: number,
  y0: number,
  size: number,
  lcn: NonNullable<PatchCardInput['lcn']>,
  out: Float32Array,
  offset: number,
): void {
  const k = lcn.size;
  const r = (k - 1) / 2;
  const side = size + k - 1;
  const n = k * k;
  // The window with its halo (edge pixels repeated), then sums along rows, then along columns: in one scratch
  // buffer kept between calls (three fresh arrays per patch cost more than the sums).
  if (scratch.length < side * side + 2 * side * size) scratch = new Float64Array(side * side + 2 * side * size);
  const halo = scratch;
  for (let y = 0; y < side; y++) {
    const row = Math.min(height - 1, Math.max(0, y0 + y - r)) * width;
    for (let x = 0; x < side; x++) halo[y * side + x] = grey[row + Math.min(width - 1, Math.max(0, x0 + x - r))]!;
  }
  const rowSum = scratch.subarray(side * side, side * side + side * size);
  const rowSq = scratch.subarray(side * side + side * size, side * side + 2 * side * size);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < size; x++) {
      let s = 0;
      let q = 0;
      for (let d = 0, i = y * side + x; d < k; d++, i++) {
        const v = halo[i]!;
        s += v;
        q += v * v;
      }
      rowSum[y * size + x] = s;
      rowSq[y * size + x] = q;
    }
  }
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let s = 0;
      let q = 0;
      for (let d = 0, i = y * size + x; d < k; d++, i += size) {
        s += rowSum[i]!;
        q += rowSq[i]!;
      }
      const mu = s / n;
      const sigma = Math.sqrt(Math.max(0, q / n - mu * mu));
      out[offset + y * size + x] = (halo[(y + r) * side + x + r]! - mu) / (sigma + lcn.c);
    }
  }
}

/** Throws INVALID_CARD for a patch input whose settings the preprocessing cannot follow. */
function checkPatchInput(input: PatchCardInput): void {
  if (input.protocol?.kind !== 'patches')
    throw new IqaError('INVALID_CARD', expected('"patches"', 'card.input.protocol.kind', input.protocol?.kind));
  if (input.channels === 3) return;
  if (input.channels !== 1)
    throw new IqaError('INVALID_CARD', expected('1 or 3', 'card.input.channels', input.channels));
  const { size, c } = input.lcn ?? {};
  if (!Number.isInteger(size) || size! < 1 || size! % 2 === 0)
    throw new IqaError('INVALID_CARD', expected('an odd positive integer', 'card.input.lcn.size', size));
  if (!(typeof c === 'number' && c > 0))
    throw new IqaError('INVALID_CARD', expected('a positive number', 'card.input.lcn.c', c));
}

/**
 * Writes the RGB planes of the `size` x `size` window at (`x0`, `y0`) of an interleaved RGB image into `out` at
 * `offset` (channel-major, as NCHW), levels scaled from 0..255 to `pixelRange`.
 */
export function writeRgbPatch(
  rgb: RawImage,
  x0: number,
  y0: number,
  size: number,
  pixelRange: [number, number],
  out: Float32Array,
  offset: number,
): void {
  const [lo, hi] = pixelRange;
  const k = (hi - lo) / 255;
  const plane = size * size;
  const src = rgb.data;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const s = ((y0 + y) * rgb.width + x0 + x) * 3;
      const o = offset + y * size + x;
      out[o] = src[s]! * k + lo;
      out[o + plane] = src[s + 1]! * k + lo;
      out[o + 2 * plane] = src[s + 2]! * k + lo;
    }
  }
}

/**
 * The `[N, C, S, S]` float32 patches of one image, as a patch card's `input` says. One channel: RGB(A) (alpha
 * composited onto white) to BT.601 grey in `pixelRange`, local contrast normalisation of the whole grey image, then
 * the protocol's grid of patches (`patchGrid`). Three channels: the same grid of RGB patches, levels scaled to
 * `pixelRange`. An image whose shorter side is below `minSize` is upscaled (core's `resizeImage`, the shorter side to
 * `minSize`) or refused with `IqaError('IMAGE_TOO_SMALL')`, as `smallImage` says. With `pool`, the tensor's
 * buffer (and the RGB copy of a grey or RGBA image) come from it; the caller gives the tensor's buffer back.
 *
 * @example
 * const t = patchTensor(rgba500x500, card.input); // dims [225, 1, 32, 32] (CNNIQA), [225, 3, 32, 32] (WaDIQaM-NR)
 */
export function patchTensor(image: RawImage, input: PatchCardInput, pool?: BufferPool): TensorData {
  assertRawImage(image);
  checkPatchInput(input);
  return withRgb(image, pool, (rgb) => patchesOf(rgb, input, pool));
}

/** The patches of an RGB image (`patchTensor`); the tensor's buffer from `pool` when one is given. */
function patchesOf(image: RawImage, input: PatchCardInput, pool: BufferPool | undefined): TensorData {
  const alloc = (n: number) => float32Buffer(pool, n);
  const p = input.protocol;
  const rgb = fitImage(image, Math.max(p.size, input.minSize), undefined, input.smallImage);
  const origins = patchGrid(rgb.width, rgb.height, p);
  const plane = p.size * p.size;
  if (input.channels === 3) {
    const data = alloc(origins.length * 3 * plane);
    origins.forEach((o, i) => {
      writeRgbPatch(rgb, o.x, o.y, p.size, input.pixelRange, data, i * 3 * plane);
    });
    return { data, dims: [origins.length, 3, p.size, p.size] };
  }
  const grey = greyPlane(rgb, input.pixelRange);
  const lcn = input.lcn!;
  const data = alloc(origins.length * plane);
  origins.forEach((o, i) => {
    writeLcnPatch(grey, rgb.width, rgb.height, o.x, o.y, p.size, lcn, data, i * plane);
  });
  return { data, dims: [origins.length, 1, p.size, p.size] };
}
