/**
 * Crop plans shared by both stages: training crops (seeded random positions, alternate flips)
 * and the card's test-time crops (core's `cropBoxes`, exactly what the runtimes score).
 */
import { type RawImage, cropBoxes, mulberry32, resizeImage } from '@iqa-zoo/core';
import type { CropSpec } from './features.js';

/** Upscales so the shorter side is at least `size` (as core's preprocess does for 'upscale' cards). */
export function fitForCrops(rgb: RawImage, size: number): RawImage {
  const short = Math.min(rgb.width, rgb.height);
  if (short >= size) return rgb;
  const scale = size / short;
  return resizeImage(
    rgb,
    Math.max(size, Math.round(rgb.width * scale)),
    Math.max(size, Math.round(rgb.height * scale)),
  );
}

/** A stable 31-bit hash of a string, to derive per-image seeds. */
export function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) & 0x7fffffff;
}

/** `count` random crops of `size` (seeded by `seed` and `key`), every other one mirrored. */
export function trainingCrops(
  width: number,
  height: number,
  size: number,
  count: number,
  seed: number,
  key: string,
): CropSpec[] {
  const rand = mulberry32((seed ^ hashString(key)) >>> 0);
  const flipFirst = rand() < 0.5;
  return Array.from({ length: count }, (_, i) => ({
    x: Math.floor(rand() * (width - size + 1)),
    y: Math.floor(rand() * (height - size + 1)),
    size,
    flip: (i % 2 === 0) === flipFirst,
  }));
}

/** The card's test-time crops (no flips). */
export function testCrops(width: number, height: number, size: number, count: number, seed: number): CropSpec[] {
  return cropBoxes(width, height, size, count, seed).map((b) => ({ ...b, flip: false }));
}
