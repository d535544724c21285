/**
 * Reference (pristine) images on disk: listing a folder and decoding a file to 8-bit RGB with
 * sharp, EXIF orientation applied.
 */
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { IqaError } from '@iqa-zoo/core';
import type { RgbImage } from '../distortions/types.js';

/** File extensions taken as images when listing a folder of references. */
export const REFERENCE_EXTENSIONS: readonly string[] = [
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.tif',
  '.tiff',
  '.avif',
  '.gif',
  '.bmp',
];

/**
 * The image files of a folder (by extension, not recursive), sorted by name.
 *
 * @example
 * const refs = await listReferences('/data/pristine'); // ['/data/pristine/a.jpg', ...]
 */
export async function listReferences(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new IqaError(
      'DATA_NOT_FOUND',
      `Expected a readable folder of reference images for refs but received ${JSON.stringify(dir)}`,
      { cause: err },
    );
  }
  return names
    .filter((n) => REFERENCE_EXTENSIONS.includes(extname(n).toLowerCase()))
    .sort()
    .map((n) => join(dir, n));
}

/**
 * Decodes an image file to 8-bit sRGB with EXIF orientation applied (alpha dropped).
 * Throws `IqaError('INVALID_IMAGE')` naming the file when it cannot be decoded.
 *
 * @example
 * const ref = await loadReference('/data/pristine/a.jpg');
 */
export async function loadReference(path: string): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(path)
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
      width: info.width,
      height: info.height,
      channels: 3,
    };
  } catch (err) {
    throw new IqaError(
      'INVALID_IMAGE',
      `Could not decode reference image ${JSON.stringify(path)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}
