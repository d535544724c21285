/**
 * Decodes an image file to 8-bit sRGB RGB exactly as `@iqa-zoo/runtime-node` does
 * (EXIF orientation applied, alpha composited onto white by core's `toRgb`),
 * so training sees the pixels the deployed model will see.
 */
import sharp from 'sharp';
import { IqaError, type RawImage, toRgb } from '@iqa-zoo/core';

export async function readImageRgb(file: string): Promise<RawImage> {
  try {
    const { data, info } = await sharp(file, { pages: 1 })
      .rotate()
      .toColourspace('srgb')
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return toRgb({ data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: 4 });
  } catch (err) {
    throw new IqaError('INVALID_IMAGE', `Expected a readable image at ${file} but decoding failed: ${(err as Error).message}`, { cause: err });
  }
}
