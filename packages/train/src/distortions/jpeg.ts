/**
 * JPEG compression through sharp (libjpeg-turbo, 4:2:0 chroma as MATLAB's `imwrite`), decoded
 * back to pixels. Quality 0 means the encoder's lowest, 1.
 */
import sharp from 'sharp';
import { rgb } from './pixels.js';
import type { RgbImage } from './types.js';

/**
 * Encodes RGB as JPEG at `quality` (0..100; 0 is taken as 1) and returns the bytes.
 *
 * @example
 * const bytes = await encodeJpeg(image, 43);
 */
export async function encodeJpeg(image: RgbImage, quality: number): Promise<Buffer> {
  const q = Math.max(1, Math.min(100, Math.round(quality)));
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .jpeg({ quality: q, chromaSubsampling: '4:2:0' })
    .toBuffer();
}

/** Decodes any image sharp reads to 8-bit RGB. */
export async function decodeToRgb(bytes: Buffer | Uint8Array): Promise<RgbImage> {
  const { data, info } = await sharp(bytes)
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return rgb(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height);
}

/** JPEG round trip: compress at `quality`, decode back. */
export async function jpegRoundTrip(image: RgbImage, quality: number): Promise<RgbImage> {
  return decodeToRgb(await encodeJpeg(image, quality));
}
