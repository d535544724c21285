/**
 * JPEG 2000 through OpenJPEG compiled to WebAssembly (@cornerstonejs/codec-openjpeg): the 9/7
 * irreversible wavelet, one quality layer at compression ratio 24 / bpp (MATLAB's
 * `imwrite(img, f, 'jp2', 'CompressionRatio', 24 / bpp)`), decoded back to pixels.
 */
import openJpegFactory, { type OpenJpegModule } from '@cornerstonejs/codec-openjpeg/wasmjs';
import { IqaError } from '@iqa-zoo/core';
import { rgb } from './pixels.js';
import type { RgbImage } from './types.js';

let modulePromise: Promise<OpenJpegModule> | undefined;

/** Loads the codec once per thread; its info/warning lines are silenced. */
function openJpeg(): Promise<OpenJpegModule> {
  modulePromise ??= openJpegFactory({ print: () => {}, printErr: () => {} });
  return modulePromise;
}

/**
 * Encodes RGB as a JPEG 2000 codestream of about `bpp` bits per pixel.
 *
 * @example
 * const j2k = await encodeJpeg2000(image, 0.46); // j2k.length * 8 / (w * h) ~ 0.46
 */
export async function encodeJpeg2000(image: RgbImage, bpp: number): Promise<Uint8Array> {
  if (!(bpp > 0 && bpp < 24)) throw new RangeError(`Expected bits per pixel in (0, 24) for bpp but received ${bpp}`);
  const oj = await openJpeg();
  const enc = new oj.J2KEncoder();
  try {
    enc
      .getDecodedBuffer({
        width: image.width,
        height: image.height,
        bitsPerSample: 8,
        componentCount: 3,
        isSigned: false,
      })
      .set(image.data);
    enc.setQuality(false, 1);
    enc.setCompressionRatio(0, 24 / bpp);
    enc.encode();
    return enc.getEncodedBuffer().slice();
  } catch (err) {
    throw new IqaError('INTERNAL', `OpenJPEG could not encode a ${image.width}x${image.height} image at ${bpp} bpp`, {
      cause: err,
    });
  } finally {
    enc.delete();
  }
}

/** Decodes a JPEG 2000 codestream of 8-bit RGB back to pixels. */
export async function decodeJpeg2000(bytes: Uint8Array): Promise<RgbImage> {
  const oj = await openJpeg();
  const dec = new oj.J2KDecoder();
  try {
    dec.getEncodedBuffer(bytes.length).set(bytes);
    dec.decode();
    const info = dec.getFrameInfo();
    if (info.componentCount !== 3 || info.bitsPerSample !== 8) {
      throw new IqaError(
        'UNSUPPORTED_IMAGE',
        `Expected 8-bit RGB JPEG 2000 but received ${info.componentCount} components of ${info.bitsPerSample} bits`,
      );
    }
    return rgb(dec.getDecodedBuffer().slice(), info.width, info.height);
  } finally {
    dec.delete();
  }
}

/** JPEG 2000 round trip at `bpp` bits per pixel. */
export async function jpeg2000RoundTrip(image: RgbImage, bpp: number): Promise<RgbImage> {
  return decodeJpeg2000(await encodeJpeg2000(image, bpp));
}
