/**
 * Local distortions of TID2013 placed at seeded random positions (#14 non-eccentricity pattern
 * noise, #15 local block-wise distortions), after RankIQA's nepn.m and BlockWise.m. Level k uses
 * the first n_k positions of one seeded sequence, so a higher level adds patches to the lower one.
 */
import { rgb } from './pixels.js';
import { mixSeed, randomInts } from './rng.js';
import { STREAM } from './noise.js';
import type { BoundDistortion, RgbImage } from './types.js';

/** Side of the #14 patches and their offset to the source patch (down and right). */
export const PATTERN_PATCH = 15;
export const PATTERN_OFFSET = 5;
/** Side of the #15 blocks. */
export const BLOCK_SIZE = 32;

function positions(seed: number, count: number, maxRow: number, maxCol: number): Array<[number, number]> {
  const next = randomInts(seed);
  const out: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) out.push([next(0, Math.max(0, maxRow)), next(0, Math.max(0, maxCol))]);
  return out;
}

/**
 * #14: `n` random 15x15 patches, each replaced by the patch 5 pixels down and right (from the
 * undistorted image). Images under 20 px on a side are returned unchanged.
 */
export function bindPatternNoise(image: RgbImage, seed: number, maxCount = 300): BoundDistortion {
  const { width: w, height: h, data } = image;
  const span = PATTERN_PATCH + PATTERN_OFFSET;
  const spots = positions(mixSeed(seed, STREAM.patches), maxCount, h - span, w - span);
  return (count) => {
    const out = data.slice() as Uint8Array;
    if (w < span || h < span) return rgb(out, w, h);
    for (let p = 0; p < count; p++) {
      const [r, c] = spots[p]!;
      for (let y = 0; y < PATTERN_PATCH; y++) {
        const dst = ((r + y) * w + c) * 3;
        const src = ((r + y + PATTERN_OFFSET) * w + c + PATTERN_OFFSET) * 3;
        out.set(data.subarray(src, src + PATTERN_PATCH * 3), dst);
      }
    }
    return rgb(out, w, h);
  };
}

/** #15: `n` random 32x32 blocks filled with the image's mean colour (clipped to the image). */
export function bindBlockWise(image: RgbImage, seed: number, maxCount = 16): BoundDistortion {
  const { width: w, height: h, data } = image;
  const mean = [0, 0, 0];
  for (let i = 0; i < data.length; i++) mean[i % 3]! += data[i]!;
  const colour = mean.map((s) => Math.round(s / (w * h)));
  const spots = positions(mixSeed(seed, STREAM.blocks), maxCount, h - BLOCK_SIZE, w - BLOCK_SIZE);
  return (count) => {
    const out = data.slice() as Uint8Array;
    for (let p = 0; p < count; p++) {
      const [r, c] = spots[p]!;
      for (let y = r; y < Math.min(h, r + BLOCK_SIZE); y++) {
        for (let x = c; x < Math.min(w, c + BLOCK_SIZE); x++) {
          const i = (y * w + x) * 3;
          out[i] = colour[0]!;
          out[i + 1] = colour[1]!;
          out[i + 2] = colour[2]!;
        }
      }
    }
    return rgb(out, w, h);
  };
}
