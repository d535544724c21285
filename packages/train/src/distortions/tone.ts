/**
 * Global tone and colour changes of TID2013 (#16 mean shift, #17 contrast change, #18 colour
 * saturation), as RankIQA's MeanShift.m, ContrastChange.m and ColorSaturation.m; and the extremes
 * of the `wide` set (exposure gain, contrast flattened to the mean colour), which reach a blank
 * white, black or flat image at their last level.
 */
import { mapBytes, rgbToYcbcr, ycbcrToRgb } from './pixels.js';
import type { RgbImage } from './types.js';

/** #16: adds `shift` to every channel, clipped. */
export function meanShift(image: RgbImage, shift: number): RgbImage {
  return mapBytes(image, (v) => v + shift);
}

/** #17: multiplies every pixel value by `factor`, as RankIQA does (values scale towards black). */
export function contrastChange(image: RgbImage, factor: number): RgbImage {
  return mapBytes(image, (v) => v * factor);
}

/** #18: scales Cb and Cr around the neutral 0.5 (on [0, 1] YCbCr) by `factor`; 0 is grey, < 0 inverts hue. */
export function colourSaturation(image: RgbImage, factor: number): RgbImage {
  const [y, cb, cr] = rgbToYcbcr(image);
  for (let i = 0; i < cb.length; i++) {
    cb[i] = 0.5 + (cb[i]! - 0.5) * factor;
    cr[i] = 0.5 + (cr[i]! - 0.5) * factor;
  }
  return ycbcrToRgb([y, cb, cr], image.width, image.height);
}

/**
 * Exposure: multiplies every pixel value by `gain`, clipped (above 1 over-exposes towards white, below 1 under-exposes
 * towards black).
 */
export function exposureGain(image: RgbImage, gain: number): RgbImage {
  return mapBytes(image, (v) => v * gain);
}

/** Flattening: pulls every pixel towards the image's mean colour, v' = m + (v - m) x `factor`; 0 gives a flat image. */
export function flatten(image: RgbImage, factor: number): RgbImage {
  const mean = [0, 0, 0];
  for (let i = 0; i < image.data.length; i++) mean[i % 3]! += image.data[i]!;
  const n = image.data.length / 3;
  return mapBytes(image, (v, i) => mean[i % 3]! / n + (v - mean[i % 3]! / n) * factor);
}
