/** Small deterministic test images (tests make their own pixels; they never read the training data folder). */
import { mulberry32 } from '@iqa-zoo/core';

/** An RGBA image with smooth gradients plus seeded noise; `alpha` sets every pixel's alpha. */
export function rgbaImage(
  width: number,
  height: number,
  seed = 1,
  alpha = 255,
): { data: Uint8ClampedArray; width: number; height: number } {
  const rand = mulberry32(seed);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = (x * 255) / width + rand() * 40;
      data[i + 1] = (y * 255) / height + rand() * 40;
      data[i + 2] = 128 + 100 * Math.sin((x + y) / 5) + rand() * 20;
      data[i + 3] = alpha;
    }
  }
  return { data, width, height };
}
