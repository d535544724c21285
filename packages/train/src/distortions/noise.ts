/**
 * Noise distortions (MATLAB `imnoise` semantics on [0, 1] pixels, clipped, rounded to bytes).
 * Each draws its field once per (image, seed) and scales it per level.
 */
import { mapBytes, rgbToYcbcr, ycbcrToRgb } from './pixels.js';
import { mixSeed, normalField, uniformField } from './rng.js';
import type { BoundDistortion, RgbImage } from './types.js';

/** Tags that keep the random streams of different types independent for one seed. */
export const STREAM = {
  gaussian: 1,
  colour: 2,
  impulse: 3,
  multiplicative: 4,
  highFrequency: 5,
  denoise: 6,
  patches: 7,
  blocks: 8,
} as const;

/** Additive white Gaussian noise of variance `v` on [0, 1] pixels (`imnoise(img, 'gaussian', 0, v)`). */
export function bindGaussianNoise(image: RgbImage, seed: number, stream: number = STREAM.gaussian): BoundDistortion {
  const z = normalField(image.data.length, mixSeed(seed, stream));
  return (variance) => {
    const s = Math.sqrt(variance) * 255;
    return mapBytes(image, (v, i) => v + s * z[i]!);
  };
}

/** Gaussian noise of variance `v` added to YCbCr on [0, 1] (TID2013 #2, RankIQA's `gnc`). */
export function bindColourNoise(image: RgbImage, seed: number): BoundDistortion {
  const ycc = rgbToYcbcr(image);
  const n = image.width * image.height;
  const z = normalField(3 * n, mixSeed(seed, STREAM.colour));
  return (variance) => {
    const s = Math.sqrt(variance);
    const noisy = ycc.map((p, c) => {
      const q = new Float32Array(n);
      for (let i = 0; i < n; i++) q[i] = p[i]! + s * z[c * n + i]!;
      return q;
    });
    return ycbcrToRgb(noisy, image.width, image.height);
  };
}

/**
 * Salt-and-pepper noise of density `d` per sample (`imnoise(img, 'salt & pepper', d)`):
 * u < d/2 becomes 0, d/2 <= u < d becomes 255. One uniform field for all levels.
 */
export function bindImpulseNoise(image: RgbImage, seed: number): BoundDistortion {
  const u = uniformField(image.data.length, mixSeed(seed, STREAM.impulse));
  return (density) => mapBytes(image, (v, i) => (u[i]! < density / 2 ? 0 : u[i]! < density ? 255 : v));
}

/** Multiplicative Gaussian noise per channel: v * (1 + s * N(0, 1)) (TID2013 #19, RankIQA's `MultiGN`). */
export function bindMultiplicativeNoise(image: RgbImage, seed: number): BoundDistortion {
  const z = normalField(image.data.length, mixSeed(seed, STREAM.multiplicative));
  return (s) => mapBytes(image, (v, i) => v * (1 + s * z[i]!));
}
