/** Small synthetic test images (the tests never read the training data folder): seeded textures in mid range. */
import { mulberry32 } from '@iqa-zoo/core';
import type { RgbImage } from '../../src/distortions/types.js';

/** Three textures of `size` x `size`: smooth waves, edges and blobs, and 1/f-like noise. */
export function testImages(size: number): RgbImage[] {
  return [waves(size), edges(size), cloudy(size, 11)];
}

function make(size: number, f: (x: number, y: number, c: number) => number): RgbImage {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (let c = 0; c < 3; c++) {
        data[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(f(x, y, c))));
      }
  return { data, width: size, height: size, channels: 3 };
}

/** Low-frequency waves (periods of 30-120 px in several directions) and a fine ripple. */
export function waves(size: number): RgbImage {
  const rand = mulberry32(5);
  const comps = Array.from({ length: 5 }, () => ({
    a: rand() * Math.PI,
    p: 30 + 90 * rand(),
    ph: 6.28 * rand(),
    amp: 15 + 20 * rand(),
  }));
  return make(size, (x, y, c) => {
    let v = 120 + 12 * c;
    for (const k of comps)
      v += k.amp * Math.sin(((x * Math.cos(k.a) + y * Math.sin(k.a)) * 2 * Math.PI) / k.p + k.ph + c);
    return v + 6 * Math.sin((x + 1.7 * y) / 1.9);
  });
}

/** Flat rectangles of random colours on a gradient: sharp edges, nothing periodic. */
export function edges(size: number): RgbImage {
  const rand = mulberry32(7);
  const rects = Array.from({ length: 14 }, () => {
    const w = size * (0.1 + 0.4 * rand());
    const h = size * (0.1 + 0.4 * rand());
    return {
      x: rand() * (size - w),
      y: rand() * (size - h),
      w,
      h,
      col: [40 + 170 * rand(), 40 + 170 * rand(), 40 + 170 * rand()],
    };
  });
  return make(size, (x, y, c) => {
    let v = 60 + (100 * (x + y)) / (2 * size) + 20 * c;
    for (const r of rects) if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h) v = r.col[c]!;
    return v;
  });
}

export function cloudy(size: number, seed: number): RgbImage {
  const rand = mulberry32(seed);
  const octaves = [4, 8, 16, 32].map((cells) => {
    const g = Array.from({ length: (cells + 1) * (cells + 1) * 3 }, () => rand());
    return { cells, g };
  });
  return make(size, (x, y, c) => {
    let v = 0;
    let amp = 90;
    for (const { cells, g } of octaves) {
      const fx = (x / size) * cells,
        fy = (y / size) * cells;
      const ix = Math.floor(fx),
        iy = Math.floor(fy);
      const tx = fx - ix,
        ty = fy - iy;
      const at = (i: number, j: number): number => g[(j * (cells + 1) + i) * 3 + c]!;
      v +=
        amp *
        ((at(ix, iy) * (1 - tx) + at(ix + 1, iy) * tx) * (1 - ty) +
          (at(ix, iy + 1) * (1 - tx) + at(ix + 1, iy + 1) * tx) * ty);
      amp /= 2;
    }
    return 40 + v;
  });
}
