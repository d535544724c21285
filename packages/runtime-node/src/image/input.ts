import { IqaError, type RawImage, describeValue } from '@iqa-zoo/core';
import { decodeImage } from '@iqa-zoo/image-node';

/** What `score` accepts in Node: a file path, encoded bytes, a readable stream of bytes, or raw pixels. */
export type NodeImageInput = string | Uint8Array | NodeJS.ReadableStream | AsyncIterable<Uint8Array> | RawImage;

export interface ReadInputOptions {
  maxPixels?: number;
  /** Largest encoded stream accepted, in bytes (default 256 MiB). */
  maxBytes?: number;
  /** How the input is named in error messages. */
  name?: string;
}

const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

function isRawImage(v: unknown): v is RawImage {
  return typeof v === 'object' && v !== null && 'data' in v && 'width' in v && 'height' in v;
}

function isStream(v: unknown): v is AsyncIterable<Uint8Array> {
  return (
    typeof v === 'object' && v !== null && typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

async function readStream(
  stream: AsyncIterable<Uint8Array | string>,
  maxBytes: number,
  name: string,
): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf =
      typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    total += buf.length;
    if (total > maxBytes) {
      (stream as { destroy?: () => void }).destroy?.();
      throw new IqaError('IMAGE_TOO_LARGE', `Expected at most ${maxBytes} bytes for ${name} but the stream is longer`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, total);
}

/** A short label for an input in error messages. */
export function describeInput(input: unknown): string {
  if (typeof input === 'string') return input;
  if (isRawImage(input)) return 'raw pixels';
  if (input instanceof Uint8Array) return `image bytes (${input.length} B)`;
  if (isStream(input)) return 'image stream';
  return describeValue(input);
}

/**
 * Turns any supported input into pixels for `@iqa-zoo/core`: RGBA, or RGB when the encoded image has no alpha.
 * Raw pixels pass through unchanged (core validates them).
 *
 * @example
 * const pixels = await readImageInput(fs.createReadStream('a.jpg'));
 */
export async function readImageInput(input: NodeImageInput, opts: ReadInputOptions = {}): Promise<RawImage> {
  const name = opts.name ?? describeInput(input);
  // An opaque image comes back as RGB: core would drop its alpha band again (docs/speed.md).
  const decodeOpts = { maxPixels: opts.maxPixels, name, rgbWhenOpaque: true };
  if (typeof input === 'string') {
    if (input.length === 0) throw new TypeError('Expected a non-empty file path for input but received ""');
    return decodeImage(input, decodeOpts);
  }
  if (input instanceof Uint8Array) return decodeImage(input, decodeOpts);
  if (isRawImage(input)) return input;
  if (isStream(input)) {
    const bytes = await readStream(input as AsyncIterable<Uint8Array>, opts.maxBytes ?? DEFAULT_MAX_BYTES, name);
    return decodeImage(bytes, decodeOpts);
  }
  throw new TypeError(
    `Expected a file path, Buffer/Uint8Array, readable stream or { data, width, height, channels } for input but ` +
      `received ${describeValue(input)}`,
  );
}
