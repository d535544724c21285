import { IqaError, expected } from '../errors.js';
import type { BufferPool } from './buffer-pool.js';

/** Decoded 8-bit pixels, row-major and interleaved: grey (1), RGB (3) or RGBA (4, straight alpha as in `ImageData`). */
export interface RawImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

/** The largest image (in pixels) preprocessing accepts; decoders refuse larger ones earlier. */
export const MAX_PIXELS = 268_402_689; // 16383 x 16383, sharp's default limitInputPixels

/**
 * Checks that `image` is a well-formed `RawImage`.
 * Throws `TypeError`/`RangeError` for malformed arguments and `IqaError('INVALID_IMAGE')`
 * when the buffer does not match the stated size.
 */
export function assertRawImage(image: RawImage, name = 'image'): void {
  if (typeof image !== 'object' || image === null)
    throw new TypeError(expected('an object { data, width, height, channels }', name, image));
  const { data, width, height, channels } = image;
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
    throw new TypeError(expected('Uint8Array or Uint8ClampedArray', `${name}.data`, data));
  }
  if (!Number.isInteger(width) || width < 1) throw new RangeError(expected('positive integer', `${name}.width`, width));
  if (!Number.isInteger(height) || height < 1)
    throw new RangeError(expected('positive integer', `${name}.height`, height));
  if (channels !== 1 && channels !== 3 && channels !== 4)
    throw new RangeError(expected('1, 3 or 4', `${name}.channels`, channels));
  if (width * height > MAX_PIXELS) {
    throw new IqaError(
      'IMAGE_TOO_LARGE',
      `Expected at most ${MAX_PIXELS} pixels for ${name} but received ${width}x${height}`,
    );
  }
  const want = width * height * channels;
  if (data.length !== want) {
    throw new IqaError(
      'INVALID_IMAGE',
      `Expected ${want} bytes for a ${width}x${height}x${channels} ${name} but received ${data.length}`,
    );
  }
}

/**
 * Returns the image as interleaved RGB. Grey is replicated; alpha is composited
 * onto white (`rgb * a + 255 * (1 - a)`, rounded), the same in every runtime. An RGB image is returned as it is;
 * otherwise the copy's bytes come from `pool` when one is given (give them back once done).
 */
export function toRgb(image: RawImage, pool?: BufferPool): RawImage {
  const { data, width, height, channels } = image;
  if (channels === 3) return image;
  const n = width * height;
  const out = pool ? pool.uint8(n * 3) : new Uint8Array(n * 3);
  if (channels === 1) {
    for (let i = 0; i < n; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = data[i]!;
  } else {
    for (let i = 0; i < n; i++) {
      const a = data[4 * i + 3]!;
      if (a === 255) {
        out[3 * i] = data[4 * i]!;
        out[3 * i + 1] = data[4 * i + 1]!;
        out[3 * i + 2] = data[4 * i + 2]!;
      } else {
        const bg = 255 * (255 - a);
        out[3 * i] = Math.round((data[4 * i]! * a + bg) / 255);
        out[3 * i + 1] = Math.round((data[4 * i + 1]! * a + bg) / 255);
        out[3 * i + 2] = Math.round((data[4 * i + 2]! * a + bg) / 255);
      }
    }
  }
  return { data: out, width, height, channels: 3 };
}

/**
 * Calls `use` with the image as RGB (`toRgb`, a copy's bytes from `pool`), then gives the copy's bytes back to `pool`.
 *
 * @example
 * const t = withRgb(rgba, pool, (rgb) => tensorOf(rgb));
 */
export function withRgb<T>(image: RawImage, pool: BufferPool | undefined, use: (rgb: RawImage) => T): T {
  const rgb = toRgb(image, pool);
  try {
    return use(rgb);
  } finally {
    if (rgb !== image) pool?.release(rgb.data as Uint8Array);
  }
}
