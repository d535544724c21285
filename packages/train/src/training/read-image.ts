/**
 * Decodes an image file to 8-bit sRGB RGB with runtime-node's own decoder (EXIF orientation,
 * colour space, first frame) and core's `toRgb` (alpha onto white), so training sees exactly the
 * pixels the deployed model will see.
 */
import { type RawImage, toRgb } from '@iqa-zoo/core';
import { decodeImage } from '@iqa-zoo/runtime-node';

export async function readImageRgb(file: string): Promise<RawImage> {
  return toRgb(await decodeImage(file));
}
