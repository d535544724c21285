import { IqaError, MAX_PIXELS, type RawImage, describeValue } from '@iqa-zoo/core';
import type { ImageDataLike, WebImageInput } from './types.js';

/** A source a 2D canvas can draw, with its pixel size. */
type Drawable = CanvasImageSource & { width?: number; height?: number };

const ALLOWED =
  'ImageData (or { data, width, height }), HTMLImageElement, HTMLCanvasElement, OffscreenCanvas, ImageBitmap, ' +
  'Blob/File, or an image URL';

function isA<T>(value: unknown, name: string): value is T {
  const ctor = (globalThis as Record<string, unknown>)[name];
  return typeof ctor === 'function' && value instanceof (ctor as new () => T);
}

function isImageDataLike(value: unknown): value is ImageDataLike {
  if (typeof value !== 'object' || value === null || !('data' in value)) return false;
  const data = (value as ImageDataLike).data;
  return data instanceof Uint8ClampedArray || data instanceof Uint8Array;
}

/**
 * ImageData-like pixels as core's `RawImage`; `channels` defaults to 4 (RGBA). No copy.
 * An `ImageData` in another colour space (`display-p3`) is refused: the models were trained on sRGB.
 */
export function fromImageData(image: ImageDataLike & { colorSpace?: string }): RawImage {
  if (image.colorSpace !== undefined && image.colorSpace !== 'srgb') {
    throw new IqaError(
      'UNSUPPORTED_IMAGE',
      `Expected sRGB pixels for ImageData but received colorSpace ${describeValue(image.colorSpace)}; read them with ` +
        `getImageData(x, y, w, h, { colorSpace: 'srgb' }) or pass the image itself`,
    );
  }
  return { data: image.data, width: image.width, height: image.height, channels: image.channels ?? 4 };
}

function newCanvas(width: number, height: number): OffscreenCanvas | HTMLCanvasElement {
  if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(width, height);
  const doc = (globalThis as { document?: Document }).document;
  if (!doc)
    throw new IqaError(
      'UNSUPPORTED_IMAGE',
      'Expected OffscreenCanvas or a document to draw the image but this environment has neither; pass ' +
        'ImageData-like pixels',
    );
  const canvas = doc.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

/**
 * Draws `source` onto an sRGB 2D canvas and reads its pixels back (RGBA, straight alpha).
 * Canvases store premultiplied alpha, so semi-transparent pixels may come back rounded
 * differently from a decoder that never premultiplies (opaque pixels are exact).
 */
export function drawToPixels(source: Drawable, width: number, height: number): RawImage {
  if (!(width > 0 && height > 0)) {
    throw new IqaError(
      'INVALID_IMAGE',
      `Expected an image with a positive size but received ${width}x${height} (not loaded, or failed to decode)`,
    );
  }
  if (width * height > MAX_PIXELS) {
    throw new IqaError('IMAGE_TOO_LARGE', `Expected at most ${MAX_PIXELS} pixels but received ${width}x${height}`);
  }
  const canvas = newCanvas(width, height);
  const ctx = canvas.getContext('2d', { colorSpace: 'srgb', willReadFrequently: true }) as
    | CanvasRenderingContext2D
    | OffscreenCanvasRenderingContext2D
    | null;
  if (!ctx)
    throw new IqaError(
      'UNSUPPORTED_IMAGE',
      'Expected a 2D canvas context to read the pixels but getContext("2d") returned null',
    );
  ctx.drawImage(source, 0, 0);
  const img = ctx.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
  return { data: img.data, width, height, channels: 4 };
}

/** Decodes an encoded image (PNG, JPEG, WebP, AVIF, GIF, BMP: what the browser decodes) to pixels. */
export async function decodeBlob(blob: Blob, name = 'Blob'): Promise<RawImage> {
  if (typeof createImageBitmap !== 'function') {
    throw new IqaError(
      'UNSUPPORTED_IMAGE',
      `Expected createImageBitmap to decode ${name} but this environment lacks it; pass ImageData-like pixels`,
    );
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, {
      premultiplyAlpha: 'none',
      colorSpaceConversion: 'default',
      imageOrientation: 'from-image',
    });
  } catch (err) {
    const type = blob.type ? ` (${blob.type})` : '';
    throw new IqaError(
      'UNSUPPORTED_IMAGE',
      `Expected an image the browser can decode for ${name}${type} but decoding failed: ${(err as Error).message}`,
      { cause: err },
    );
  }
  try {
    return drawToPixels(bitmap, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}

async function fetchImage(url: string, fetchFn: typeof fetch | undefined): Promise<RawImage> {
  const f = fetchFn ?? globalThis.fetch;
  let response: Response;
  try {
    response = await f(url);
  } catch (err) {
    throw new IqaError(
      'INVALID_IMAGE',
      `Expected to download the image at ${url} but the request failed: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (!response.ok)
    throw new IqaError('INVALID_IMAGE', `Expected an image at ${url} but received HTTP ${response.status}`);
  return decodeBlob(await response.blob(), url);
}

/**
 * Turns any accepted input into core's `RawImage` (RGBA pixels for everything but ImageData-like
 * inputs with their own `channels`). Everything after this is shared with runtime-node.
 *
 * @example
 * const raw = await toRawImage(document.querySelector('img')!);
 */
export async function toRawImage(input: WebImageInput, fetchFn?: typeof fetch): Promise<RawImage> {
  if (isImageDataLike(input)) return fromImageData(input);
  if (typeof input === 'string' || input instanceof URL) {
    const base = (globalThis as { location?: { href: string } }).location?.href;
    return fetchImage(new URL(String(input), base).href, fetchFn);
  }
  if (isA<Blob>(input, 'Blob')) return decodeBlob(input, isA<File>(input, 'File') ? input.name : 'Blob');
  if (isA<HTMLImageElement>(input, 'HTMLImageElement')) {
    if (!input.complete || input.naturalWidth === 0) {
      try {
        await input.decode();
      } catch (err) {
        throw new IqaError(
          'INVALID_IMAGE',
          `Expected a loadable image for HTMLImageElement ${describeValue(input.currentSrc || input.src)} but it ` +
            `failed to decode`,
          { cause: err },
        );
      }
    }
    return drawToPixels(input, input.naturalWidth, input.naturalHeight);
  }
  if (
    isA<ImageBitmap>(input, 'ImageBitmap') ||
    isA<HTMLCanvasElement>(input, 'HTMLCanvasElement') ||
    isA<OffscreenCanvas>(input, 'OffscreenCanvas')
  ) {
    const d = input as Drawable & { width: number; height: number };
    return drawToPixels(d, d.width, d.height);
  }
  throw new TypeError(`Expected ${ALLOWED} for input but received ${describeValue(input)}`);
}
