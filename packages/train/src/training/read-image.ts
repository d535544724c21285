/**
 * Decodes an image file to 8-bit sRGB RGB with the decoder runtime-node scores with (@iqa-zoo/image-node) (EXIF
 * orientation, colour space, first frame) and core's `toRgb` (alpha onto white), so training sees exactly the pixels
 * the deployed model will see.
 */
import { type RawImage, toRgb } from '@iqa-zoo/core';
import { decodeImage } from '@iqa-zoo/image-node';

/** Decodes `file`, or its `bytes` when the caller has already read them (errors still name `file`). */
export async function readImageRgb(file: string, bytes?: Uint8Array): Promise<RawImage> {
  return toRgb(await decodeImage(bytes ?? file, { name: file }));
}
