import { expected } from '../errors.js';
import { type RawImage, assertRawImage } from './raw-image.js';

/**
 * Separable triangle-filter resampling with antialiasing when shrinking (Pillow's BILINEAR).
 * Pure TypeScript, so Node and browsers produce identical pixels.
 */
function weights(
  inSize: number,
  outSize: number,
): { start: Int32Array; count: Int32Array; w: Float32Array; taps: number } {
  const scale = inSize / outSize;
  const support = Math.max(scale, 1); // triangle radius in input pixels
  const taps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const w = new Float32Array(outSize * taps);
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support));
    const hi = Math.min(inSize, Math.ceil(center + support));
    let sum = 0;
    for (let i = lo; i < hi; i++) {
      const x = (i + 0.5 - center) / support;
      const v = Math.max(0, 1 - Math.abs(x));
      w[o * taps + (i - lo)] = v;
      sum += v;
    }
    const n = hi - lo;
    if (sum > 0) for (let k = 0; k < n; k++) w[o * taps + k]! /= sum;
    start[o] = lo;
    count[o] = n;
  }
  return { start, count, w, taps };
}

/**
 * Resizes interleaved 8-bit pixels to `width` x `height`.
 *
 * @example
 * const small = resizeImage(rgb, 224, 168);
 */
export function resizeImage(image: RawImage, width: number, height: number): RawImage {
  assertRawImage(image);
  if (!Number.isInteger(width) || width < 1) throw new RangeError(expected('positive integer', 'width', width));
  if (!Number.isInteger(height) || height < 1) throw new RangeError(expected('positive integer', 'height', height));
  const { data, width: W, height: H, channels: C } = image;
  if (W === width && H === height) return image;
  // Horizontal pass into float rows, then vertical pass to bytes.
  const hx = weights(W, width);
  const tmp = new Float32Array(H * width * C);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < width; x++) {
      const s = hx.start[x]!;
      const n = hx.count[x]!;
      for (let c = 0; c < C; c++) {
        let acc = 0;
        for (let k = 0; k < n; k++) acc += data[(y * W + s + k) * C + c]! * hx.w[x * hx.taps + k]!;
        tmp[(y * width + x) * C + c] = acc;
      }
    }
  }
  const vy = weights(H, height);
  const out = new Uint8Array(height * width * C);
  for (let y = 0; y < height; y++) {
    const s = vy.start[y]!;
    const n = vy.count[y]!;
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < C; c++) {
        let acc = 0;
        for (let k = 0; k < n; k++) acc += tmp[((s + k) * width + x) * C + c]! * vy.w[y * vy.taps + k]!;
        out[(y * width + x) * C + c] = acc <= 0 ? 0 : acc >= 255 ? 255 : Math.round(acc);
      }
    }
  }
  return { data: out, width, height, channels: C };
}
