import { stat } from 'node:fs/promises';
import { IqaError, MAX_PIXELS, type RawImage } from '@iqa-zoo/core';
import sharp from 'sharp';

export interface DecodeOptions {
  /** Refuse images with more pixels than this before decoding (decompression bombs). */
  maxPixels?: number;
  /** How the image is named in error messages (a file name, `request body`, ...). */
  name?: string;
  /**
   * `true`: an image without an alpha channel comes back as 3-channel RGB (the same levels as its RGBA, without
   * the alpha band that `@iqa-zoo/core` would strip again); default `false`: always RGBA.
   */
  rgbWhenOpaque?: boolean;
}

/** Maps sharp's messages to iqa-zoo error codes. */
function toDecodeError(err: unknown, name: string): IqaError {
  const message = (err as Error).message ?? String(err);
  const first = message.split('\n')[0];
  if (/pixel limit/i.test(message)) {
    return new IqaError(
      'IMAGE_TOO_LARGE',
      `Expected an image within the pixel limit for ${name} but it is larger: ${first}`,
      { cause: err },
    );
  }
  if (/unsupported image format/i.test(message)) {
    return new IqaError(
      'UNSUPPORTED_IMAGE',
      `Expected a JPEG, PNG, WebP, AVIF, GIF or TIFF image for ${name} ` +
        'but its bytes are not an image format sharp can decode',
      { cause: err },
    );
  }
  if (/file is missing/i.test(message)) {
    return new IqaError('DATA_NOT_FOUND', `Expected an image file at ${name} but there is none`, { cause: err });
  }
  if (/is empty/i.test(message)) {
    return new IqaError('INVALID_IMAGE', `Expected image bytes for ${name} but it is empty`, { cause: err });
  }
  return new IqaError(
    'INVALID_IMAGE',
    `Expected a decodable image for ${name} but it is corrupt or truncated: ${first}`,
    { cause: err },
  );
}

/**
 * Decodes an encoded image (file path or bytes) with sharp to 8-bit sRGB RGBA pixels (RGB for an image without
 * alpha with `rgbWhenOpaque`):
 * EXIF orientation applied, an embedded ICC profile (Display P3, Adobe RGB...) converted to sRGB as
 * browsers do, CMYK through its embedded profile (else libvips' default CMYK profile, relative colorimetric),
 * grey/16-bit/palette converted, the first frame of an animation.
 * Alpha is kept; `@iqa-zoo/core` composites it onto white, as the web runtime does.
 *
 * @example
 * const rgba = await decodeImage('photo.jpg'); // { data, width, height, channels: 4 }
 */
export async function decodeImage(input: string | Uint8Array, opts: DecodeOptions = {}): Promise<RawImage> {
  const name = opts.name ?? (typeof input === 'string' ? input : 'image bytes');
  const maxPixels = opts.maxPixels ?? MAX_PIXELS;
  if (!Number.isInteger(maxPixels) || maxPixels < 1) {
    throw new RangeError(`Expected a positive integer for maxPixels but received ${JSON.stringify(maxPixels)}`);
  }
  // An empty file and empty bytes are the same mistake: one code and message for both.
  const empty = typeof input === 'string' ? (await stat(input).catch(() => undefined))?.size === 0 : input.length === 0;
  if (empty) throw new IqaError('INVALID_IMAGE', `Expected image bytes for ${name} but it is empty`);
  try {
    const image = sharp(input, { limitInputPixels: maxPixels, failOn: 'error', page: 0, pages: 1 });
    // CMYK: sharp's default imports it with the perceptual intent, which is not the inverse of the
    // relative-colorimetric export that wrote it (libvips, Photoshop's default): colours came back up to
    // 11 of 255 off. Processing in CMYK hands the conversion to libvips' colourspace step instead:
    // the embedded profile (else libvips' default CMYK profile), relative colorimetric.
    const meta = await image.metadata();
    if (meta.space === 'cmyk') image.pipelineColourspace('cmyk');
    const channels = opts.rgbWhenOpaque && !meta.hasAlpha ? 3 : 4;
    image.rotate().toColourspace('srgb');
    if (channels === 4) image.ensureAlpha();
    const { data, info } = await image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== channels) {
      throw new IqaError(
        'UNSUPPORTED_IMAGE',
        `Expected ${channels} channels after conversion of ${name} but sharp produced ${info.channels}`,
      );
    }
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
      width: info.width,
      height: info.height,
      channels,
    };
  } catch (err) {
    throw err instanceof IqaError ? err : toDecodeError(err, name);
  }
}
