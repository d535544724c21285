/**
 * Gaussian blur as MATLAB's `imfilter(img, fspecial('gaussian', hsize, hsize / 6), 'symmetric')`:
 * exact separable convolution (the 2-D fspecial kernel is the outer product of the normalised 1-D
 * one), symmetric (half-sample) borders, rounded to bytes once at the end.
 */
import { fromPlanes, toPlanes } from './pixels.js';
import type { RgbImage } from './types.js';

/**
 * The normalised 1-D Gaussian of `hsize` taps and standard deviation `sigma`.
 *
 * @example
 * gaussianKernel(7, 7 / 6); // 7 weights summing to 1
 */
export function gaussianKernel(hsize: number, sigma: number): Float64Array {
  const k = new Float64Array(hsize);
  const c = (hsize - 1) / 2;
  let sum = 0;
  for (let i = 0; i < hsize; i++) {
    k[i] = Math.exp(-((i - c) * (i - c)) / (2 * sigma * sigma));
    sum += k[i]!;
  }
  for (let i = 0; i < hsize; i++) k[i]! /= sum;
  return k;
}

/** Index `i` mirrored into [0, n) the way MATLAB's 'symmetric' padding does (edge repeated). */
export function reflectIndex(i: number, n: number): number {
  const period = 2 * n;
  let j = i % period;
  if (j < 0) j += period;
  return j < n ? j : period - 1 - j;
}

/** Filters every row of a `width` x `height` plane with a symmetric odd kernel; writes transposed. */
function filterRowsTransposed(
  src: Float32Array,
  width: number,
  height: number,
  kernel: Float64Array,
  dst: Float32Array,
): void {
  const r = (kernel.length - 1) / 2;
  const padded = new Float32Array(width + 2 * r);
  const map = new Int32Array(width + 2 * r);
  for (let i = 0; i < map.length; i++) map[i] = reflectIndex(i - r, width);
  const k0 = kernel[r]!;
  const half = new Float64Array(r);
  for (let j = 1; j <= r; j++) half[j - 1] = kernel[r + j]!;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let i = 0; i < map.length; i++) padded[i] = src[row + map[i]!]!;
    for (let x = 0; x < width; x++) {
      const c = x + r;
      let acc = k0 * padded[c]!;
      for (let j = 1; j <= r; j++) acc += half[j - 1]! * (padded[c - j]! + padded[c + j]!);
      dst[x * height + y] = acc;
    }
  }
}

/** Separable convolution of one float plane (rows, then columns), symmetric borders. */
export function convolvePlane(plane: Float32Array, width: number, height: number, kernel: Float64Array): Float32Array {
  const tmp = new Float32Array(width * height);
  const out = new Float32Array(width * height);
  filterRowsTransposed(plane, width, height, kernel, tmp); // tmp is height x width transposed
  filterRowsTransposed(tmp, height, width, kernel, out); // back to row-major
  return out;
}

/**
 * Blurs RGB with MATLAB's `fspecial('gaussian', hsize, sigma)` and symmetric borders.
 *
 * @example
 * const blurred = gaussianBlur(image, 39, 39 / 6);
 */
export function gaussianBlur(image: RgbImage, hsize: number, sigma: number): RgbImage {
  const kernel = gaussianKernel(hsize, sigma);
  const planes = toPlanes(image).map((p) => convolvePlane(p, image.width, image.height, kernel));
  return fromPlanes(planes, image.width, image.height);
}
