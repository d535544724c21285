/**
 * Random crops and flips shared by all versions of one reference and type, so the only
 * difference between them is the distortion.
 */
import { mulberry32, resizeImage } from '@iqa-zoo/core';
import type { RgbImage } from '../distortions/types.js';

/** Where to cut a `size` x `size` square, and whether to mirror it left-right. */
export interface CropBox {
  left: number;
  top: number;
  size: number;
  flip: boolean;
}

/**
 * A seeded random square crop of `size` inside `width` x `height` (which must be at least `size`),
 * with a horizontal flip half of the time.
 *
 * @example
 * pickCrop(481, 321, 224, 7); // { left: 103, top: 12, size: 224, flip: true }
 */
export function pickCrop(width: number, height: number, size: number, seed: number, flips = true): CropBox {
  const rand = mulberry32(seed);
  const left = Math.floor(rand() * (width - size + 1));
  const top = Math.floor(rand() * (height - size + 1));
  const flip = flips && rand() < 0.5;
  return { left, top, size, flip };
}

/** Cuts the box out of an RGB image (mirrored when `box.flip`). */
export function applyCrop(image: RgbImage, box: CropBox): RgbImage {
  const { size, left, top, flip } = box;
  const out = new Uint8Array(size * size * 3);
  const w = image.width;
  for (let y = 0; y < size; y++) {
    const row = ((top + y) * w + left) * 3;
    if (!flip) {
      out.set(image.data.subarray(row, row + size * 3), y * size * 3);
    } else {
      for (let x = 0; x < size; x++) {
        const s = row + (size - 1 - x) * 3;
        const d = (y * size + x) * 3;
        out[d] = image.data[s]!;
        out[d + 1] = image.data[s + 1]!;
        out[d + 2] = image.data[s + 2]!;
      }
    }
  }
  return { data: out, width: size, height: size, channels: 3 };
}

/** Upscales (bilinear) an image whose shorter side is below `size`, so a crop fits; else returns it. */
export function ensureMinSide(image: RgbImage, size: number): RgbImage {
  const short = Math.min(image.width, image.height);
  if (short >= size) return image;
  const s = size / short;
  const w = Math.max(size, Math.round(image.width * s));
  const h = Math.max(size, Math.round(image.height * s));
  return resizeImage(image, w, h) as RgbImage;
}
