/**
 * Global tone and colour changes of TID2013 (#16 mean shift, #17 contrast change, #18 colour
 * saturation), as RankIQA's MeanShift.m, ContrastChange.m and ColorSaturation.m.
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
