/**
 * TID2013 #23, chromatic aberration (RankIQA's CA.m): the red channel shifted right by `s` pixels
 * and blue by `s / 2` (the first columns keep their values), then a light 3x3 Gaussian blur
 * (`fspecial('gaussian', 3, 0.5)`, symmetric borders).
 */
import { gaussianBlur } from './blur.js';
import { rgb } from './pixels.js';
import type { RgbImage } from './types.js';

/** Shifts red by `shift` and blue by `shift / 2` (rounded) to the right, then blurs lightly. */
export function chromaticAberration(image: RgbImage, shift: number): RgbImage {
  const { width: w, height: h, data } = image;
  const out = data.slice() as Uint8Array;
  const shifts: Array<[number, number]> = [
    [0, Math.round(shift)],
    [2, Math.round(shift / 2)],
  ];
  for (const [c, s] of shifts) {
    for (let y = 0; y < h; y++) {
      for (let x = Math.min(s, w); x < w; x++) out[(y * w + x) * 3 + c] = data[(y * w + x - s) * 3 + c]!;
    }
  }
  return gaussianBlur(rgb(out, w, h), 3, 0.5);
}
