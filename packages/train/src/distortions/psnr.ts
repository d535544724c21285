/** Full-reference measures used to check and document the distortions. */
import type { RawImage } from '@iqa-zoo/core';

/**
 * Peak signal-to-noise ratio in dB between two 8-bit images of one size (Infinity when equal).
 *
 * @example
 * psnr(reference, distorted); // e.g. 27.4
 */
export function psnr(a: RawImage, b: RawImage): number {
  if (a.data.length !== b.data.length)
    throw new RangeError(
      `Expected images of one size for psnr but received ${a.data.length} and ${b.data.length} bytes`,
    );
  let se = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i]! - b.data[i]!;
    se += d * d;
  }
  const mse = se / a.data.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}
