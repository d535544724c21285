/**
 * Pixel helpers shared by the distortions: rounding to bytes, planar float views, and MATLAB's
 * BT.601 studio-swing YCbCr (`rgb2ycbcr` / `ycbcr2rgb` on [0, 1] doubles).
 */
import type { RgbImage } from './types.js';

/** Rounds and clips to 0..255, as MATLAB's `uint8()` does for non-negative values. */
export function toByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

/** A new RGB image of the same size from an interleaved byte buffer. */
export function rgb(data: Uint8Array, width: number, height: number): RgbImage {
  return { data, width, height, channels: 3 };
}

/** Applies `f` to every byte of the image (interleaved) and returns a new image. */
export function mapBytes(image: RgbImage, f: (v: number, i: number) => number): RgbImage {
  const src = image.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = toByte(f(src[i]!, i));
  return rgb(out, image.width, image.height);
}

/** Splits interleaved RGB bytes into three float planes. */
export function toPlanes(image: RgbImage): [Float32Array, Float32Array, Float32Array] {
  const n = image.width * image.height;
  const planes: [Float32Array, Float32Array, Float32Array] = [
    new Float32Array(n),
    new Float32Array(n),
    new Float32Array(n),
  ];
  const d = image.data;
  for (let i = 0; i < n; i++) {
    planes[0][i] = d[3 * i]!;
    planes[1][i] = d[3 * i + 1]!;
    planes[2][i] = d[3 * i + 2]!;
  }
  return planes;
}

/** Interleaves three float planes back into rounded, clipped RGB bytes. */
export function fromPlanes(
  planes: readonly Float32Array[] | readonly Float64Array[],
  width: number,
  height: number,
): RgbImage {
  const n = width * height;
  const out = new Uint8Array(n * 3);
  for (let c = 0; c < 3; c++) {
    const p = planes[c]!;
    for (let i = 0; i < n; i++) out[3 * i + c] = toByte(p[i]!);
  }
  return rgb(out, width, height);
}

// MATLAB rgb2ycbcr for doubles in [0, 1]: offset + M * rgb / 255 (BT.601, studio swing).
const M = [
  [65.481, 128.553, 24.966],
  [-37.797, -74.203, 112.0],
  [112.0, -93.786, -18.214],
] as const;
const OFFSET = [16, 128, 128] as const;

function invert3(m: readonly (readonly number[])[]): number[][] {
  const [a, b, c] = m[0]!;
  const [d, e, f] = m[1]!;
  const [g, h, i] = m[2]!;
  const A = e! * i! - f! * h!;
  const B = -(d! * i! - f! * g!);
  const C = d! * h! - e! * g!;
  const det = a! * A + b! * B + c! * C;
  return [
    [A / det, -(b! * i! - c! * h!) / det, (b! * f! - c! * e!) / det],
    [B / det, (a! * i! - c! * g!) / det, -(a! * f! - c! * d!) / det],
    [C / det, -(a! * h! - b! * g!) / det, (a! * e! - b! * d!) / det],
  ];
}
const MI = invert3(M);

/** RGB bytes to YCbCr planes on MATLAB's [0, 1] scale (`im2double(rgb2ycbcr(img))`). */
export function rgbToYcbcr(image: RgbImage): [Float32Array, Float32Array, Float32Array] {
  const n = image.width * image.height;
  const d = image.data;
  const out: [Float32Array, Float32Array, Float32Array] = [
    new Float32Array(n),
    new Float32Array(n),
    new Float32Array(n),
  ];
  for (let i = 0; i < n; i++) {
    const r = d[3 * i]! / 255;
    const g = d[3 * i + 1]! / 255;
    const b = d[3 * i + 2]! / 255;
    for (let k = 0; k < 3; k++) {
      const row = M[k]!;
      out[k]![i] = (OFFSET[k]! + row[0] * r + row[1] * g + row[2] * b) / 255;
    }
  }
  return out;
}

/** YCbCr planes on [0, 1] back to RGB bytes (`uint8(ycbcr2rgb(ycc) * 255)`). */
export function ycbcrToRgb(planes: readonly Float32Array[], width: number, height: number): RgbImage {
  const n = width * height;
  const out = new Uint8Array(n * 3);
  const [Y, Cb, Cr] = planes as [Float32Array, Float32Array, Float32Array];
  for (let i = 0; i < n; i++) {
    const y = Y[i]! * 255 - OFFSET[0];
    const cb = Cb[i]! * 255 - OFFSET[1];
    const cr = Cr[i]! * 255 - OFFSET[2];
    for (let k = 0; k < 3; k++) {
      const row = MI[k]!;
      out[3 * i + k] = toByte((row[0]! * y + row[1]! * cb + row[2]! * cr) * 255);
    }
  }
  return rgb(out, width, height);
}
