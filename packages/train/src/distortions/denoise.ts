/**
 * TID2013 #9, image denoising: Gaussian noise of the level's variance, then removed by a
 * non-local means denoiser (Buades, Coll, Morel; parameters of "Non-Local Means Denoising",
 * IPOL 2011, colour version) in place of RankIQA's CBM3D. The result has the smoothed, slightly
 * waxy look of a strong denoiser, and keeps more noise and loses more texture as the noise grows.
 *
 * The patch distances are computed per offset with running box sums, so the cost is
 * O(pixels x search window), independent of the patch size.
 */
import { reflectIndex } from './blur.js';
import { mixSeed, normalField } from './rng.js';
import { fromPlanes } from './pixels.js';
import { STREAM } from './noise.js';
import type { BoundDistortion, RgbImage } from './types.js';

/** Search radius of the denoiser (an 11x11 window; IPOL uses 21 or 35 at ~4-10x the cost). */
export const NLM_SEARCH_RADIUS = 5;

/** IPOL 2011 colour parameters for noise `sigma` (0..255 scale): patch radius and filter h. */
export function nlmParameters(sigma: number): { patchRadius: number; h: number } {
  if (sigma <= 25) return { patchRadius: 1, h: 0.55 * sigma };
  if (sigma <= 55) return { patchRadius: 2, h: 0.4 * sigma };
  return { patchRadius: 3, h: 0.35 * sigma };
}

/**
 * Non-local means on three float planes (0..255) with noise `sigma`; returns the denoised planes.
 *
 * @example
 * const clean = nonLocalMeans(planes, width, height, 25);
 */
export function nonLocalMeans(
  planes: readonly Float32Array[],
  width: number,
  height: number,
  sigma: number,
  searchRadius = NLM_SEARCH_RADIUS,
): Float32Array[] {
  const { patchRadius: f, h } = nlmParameters(sigma);
  const t = searchRadius;
  const pad = t + f;
  const pw = width + 2 * pad;
  const ph = height + 2 * pad;
  const C = planes.length;
  // one interleaved, symmetric-padded copy: a pixel's channels sit together
  const padded = new Float32Array(pw * ph * C);
  for (let y = 0; y < ph; y++) {
    const sy = reflectIndex(y - pad, height);
    for (let x = 0; x < pw; x++) {
      const s = sy * width + reflectIndex(x - pad, width);
      for (let c = 0; c < C; c++) padded[(y * pw + x) * C + c] = planes[c]![s]!;
    }
  }
  const n = width * height;
  const num = new Float64Array(n * C);
  const den = new Float64Array(n);
  const wmax = new Float64Array(n);
  const rw = width + 2 * f; // patch-distance region: padded rows/cols [pad - f, pad + size + f)
  const rh = height + 2 * f;
  const k = 2 * f + 1;
  const diff = new Float32Array(rw * rh);
  const rowSum = new Float32Array(width * rh);
  const colSum = new Float32Array(width);
  const area = C * k * k;
  const twoSigma2 = 2 * sigma * sigma;
  const invH2 = 1 / (h * h);
  for (let dy = -t; dy <= t; dy++) {
    for (let dx = -t; dx <= t; dx++) {
      if (dx === 0 && dy === 0) continue;
      const shift = (dy * pw + dx) * C;
      for (let y = 0; y < rh; y++) {
        const a0 = ((y + pad - f) * pw + (pad - f)) * C;
        const o = y * rw;
        for (let x = 0; x < rw; x++) {
          const a = a0 + x * C;
          let s = 0;
          for (let c = 0; c < C; c++) {
            const d = padded[a + c]! - padded[a + shift + c]!;
            s += d * d;
          }
          diff[o + x] = s;
        }
      }
      for (let y = 0; y < rh; y++) {
        const o = y * rw;
        const r = y * width;
        let s = 0;
        for (let x = 0; x < k; x++) s += diff[o + x]!;
        rowSum[r] = s;
        for (let x = 1; x < width; x++) {
          s += diff[o + x + 2 * f]! - diff[o + x - 1]!;
          rowSum[r + x] = s;
        }
      }
      colSum.fill(0);
      for (let y = 0; y < k; y++) for (let x = 0; x < width; x++) colSum[x]! += rowSum[y * width + x]!;
      for (let y = 0; y < height; y++) {
        if (y > 0) {
          const add = (y + 2 * f) * width;
          const sub = (y - 1) * width;
          for (let x = 0; x < width; x++) colSum[x]! += rowSum[add + x]! - rowSum[sub + x]!;
        }
        const src0 = ((y + pad + dy) * pw + pad + dx) * C;
        for (let x = 0; x < width; x++) {
          const d2 = colSum[x]! / area - twoSigma2;
          const w = d2 > 0 ? Math.exp(-d2 * invH2) : 1;
          if (w < 1e-6) continue;
          const i = y * width + x;
          den[i]! += w;
          if (w > wmax[i]!) wmax[i] = w;
          const src = src0 + x * C;
          for (let c = 0; c < C; c++) num[i * C + c]! += w * padded[src + c]!;
        }
      }
    }
  }
  return planes.map((p, c) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const wc = wmax[i]! > 0 ? wmax[i]! : 1;
      out[i] = (num[i * C + c]! + wc * p[i]!) / (den[i]! + wc);
    }
    return out;
  });
}

/** Binds #9 to one image and seed: the level's value is the noise variance on [0, 1]. */
export function bindDenoising(image: RgbImage, seed: number): BoundDistortion {
  const { width, height, data } = image;
  const n = width * height;
  const z = normalField(3 * n, mixSeed(seed, STREAM.denoise));
  return (variance) => {
    const sigma = Math.sqrt(variance) * 255;
    const noisy = [0, 1, 2].map((c) => {
      const p = new Float32Array(n);
      for (let i = 0; i < n; i++) p[i] = Math.min(255, Math.max(0, data[3 * i + c]! + sigma * z[c * n + i]!));
      return p;
    });
    return fromPlanes(nonLocalMeans(noisy, width, height, sigma), width, height);
  };
}
