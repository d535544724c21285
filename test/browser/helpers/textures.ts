/**
 * Test images for the zoo models' browser tests: seeded sine textures with grain, optionally blurred, optionally with
 * a soft alpha gradient from left to right (composited onto white in both runtimes), written as PNG.
 */
import { join } from 'node:path';
import { mulberry32 } from '@iqa-zoo/core';
import sharp from 'sharp';

/** One texture: width, height, blur sigma (0: none), and whether it has an alpha gradient. */
export type TextureSpec = readonly [width: number, height: number, blur: number, alpha: boolean];

/** Writes `texture-<i>.png` for each spec into `dir` (grain seeded by `seed + i`); returns the file names. */
export async function writeTextures(dir: string, specs: readonly TextureSpec[], seed = 40): Promise<string[]> {
  const names: string[] = [];
  for (const [i, [w, h, blur, alpha]] of specs.entries()) {
    const rand = mulberry32(seed + i);
    const channels = alpha ? 4 : 3;
    const data = new Uint8Array(w * h * channels);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = (y * w + x) * channels;
        const base = 120 + 60 * Math.sin(x / (4 + i) + y / 7) + 30 * rand();
        for (let c = 0; c < 3; c++) data[p + c] = Math.max(0, Math.min(255, Math.round(base + 20 * (c - 1))));
        if (alpha) data[p + 3] = Math.round((x * 255) / (w - 1));
      }
    }
    const name = `texture-${i}.png`;
    let img = sharp(data, { raw: { width: w, height: h, channels } });
    if (blur) img = img.blur(blur);
    await img.png().toFile(join(dir, name));
    names.push(name);
  }
  return names;
}
