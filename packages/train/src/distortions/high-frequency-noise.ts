/**
 * TID2013 #5, high-frequency noise, as RankIQA's `HighFN.m` computes it: each channel's FFT is
 * multiplied by the Gaussian high-pass `1 - exp(-d^2 / (2 * 10^2))`, d measured from the index
 * (rows/2, cols/2) of the unshifted spectrum (MATLAB's 1-based grid), the real part of the inverse
 * is rounded to bytes, then white Gaussian noise of the level's variance is added.
 *
 * Because the spectrum is not `fftshift`ed, the filter keeps DC and the low frequencies and removes
 * a disc of the highest frequencies around Nyquist; the image keeps its look and the noise does
 * the rest. We reproduce that arithmetic exactly (see docs/distortions.md).
 */
import { filterPlaneFft } from './fft.js';
import { fromPlanes, toPlanes } from './pixels.js';
import { bindGaussianNoise, STREAM } from './noise.js';
import type { BoundDistortion, RgbImage } from './types.js';

/** The cut-off of RankIQA's `ghp` filter, in frequency-index units. */
export const HIGH_PASS_CUTOFF = 10;

/** The filtered image of `HighFN` before the noise (computed once for all levels). */
export function rankiqaHighPass(image: RgbImage, cutoff = HIGH_PASS_CUTOFF): RgbImage {
  const { width, height } = image;
  const rc = height / 2;
  const cc = width / 2;
  const gain = (row: number, col: number): number => {
    const di = row + 1 - rc;
    const dj = col + 1 - cc;
    return 1 - Math.exp(-(di * di + dj * dj) / (2 * cutoff * cutoff));
  };
  const planes = toPlanes(image).map((p) => filterPlaneFft(p, width, height, gain));
  return fromPlanes(planes, width, height);
}

/** Binds TID2013 #5 to one image and seed; the level's value is the noise variance on [0, 1]. */
export function bindHighFrequencyNoise(image: RgbImage, seed: number): BoundDistortion {
  return bindGaussianNoise(rankiqaHighPass(image), seed, STREAM.highFrequency);
}
