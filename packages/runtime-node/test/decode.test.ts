/** @jest-environment ./packages/runtime-node/test/helpers/ort-environment.cjs */
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { decodeImage, readImageInput } from '@iqa-zoo/runtime-node';
import { toRgb } from '@iqa-zoo/core';
import { animated, hugeHeaderPng, solid } from './helpers/images.js';

const dir = mkdtempSync(join(tmpdir(), 'iqa-decode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const orange = { r: 255, g: 128, b: 0 };

const pixel = (img: { data: Uint8Array | Uint8ClampedArray; width: number }, x: number, y: number) =>
  Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));

describe('decodeImage', () => {
  test('PNG, JPEG, WebP and TIFF decode to 8-bit RGBA', async () => {
    for (const format of ['png', 'jpeg', 'webp', 'tiff'] as const) {
      const img = await decodeImage(await solid(5, 3, orange, format));
      expect({ w: img.width, h: img.height, c: img.channels, n: img.data.length }).toEqual({ w: 5, h: 3, c: 4, n: 60 });
      const [r, g, b, a] = pixel(img, 2, 1);
      expect(Math.abs(r! - 255) + Math.abs(g! - 128) + Math.abs(b! - 0)).toBeLessThanOrEqual(format === 'png' ? 0 : 6);
      expect(a).toBe(255);
    }
  });

  test('a 1x1 image', async () => {
    const img = await decodeImage(await solid(1, 1, orange));
    expect([img.width, img.height, img.data.length]).toEqual([1, 1, 4]);
  });

  test('alpha is kept for core to flatten onto white', async () => {
    const png = await sharp({
      create: { width: 2, height: 2, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    expect(pixel(await decodeImage(png), 0, 0)[3]).toBe(0);
  });

  test('CMYK JPEG becomes sRGB', async () => {
    const cmyk = await sharp({ create: { width: 8, height: 8, channels: 3, background: orange } })
      .toColourspace('cmyk')
      .jpeg()
      .toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const [r, g, b] = pixel(await decodeImage(cmyk), 4, 4);
    expect(r).toBeGreaterThan(200);
    expect(g).toBeGreaterThan(90);
    expect(g).toBeLessThan(170);
    expect(b).toBeLessThan(40);
  });

  test('16-bit PNG and greyscale become 8-bit RGBA', async () => {
    const png16 = await sharp({ create: { width: 4, height: 4, channels: 3, background: orange } })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    expect((await sharp(png16).metadata()).depth).toBe('ushort');
    expect(pixel(await decodeImage(png16), 1, 1)).toEqual([255, 128, 0, 255]);
    const grey = await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 90, g: 90, b: 90 } } })
      .greyscale()
      .png()
      .toBuffer();
    expect(pixel(await decodeImage(grey), 0, 0)).toEqual([90, 90, 90, 255]);
  });

  test('animated GIF and WebP use the first frame', async () => {
    for (const format of ['gif', 'webp'] as const) {
      const anim = await animated(format, { r: 255, g: 0, b: 0 }, { r: 0, g: 0, b: 255 });
      expect((await sharp(anim).metadata()).pages).toBe(2);
      const img = await decodeImage(anim);
      expect([img.width, img.height]).toEqual([24, 24]);
      const [r, , b] = pixel(img, 12, 12);
      expect(r).toBeGreaterThan(200);
      expect(b).toBeLessThan(50);
    }
  });

  test('EXIF orientation is applied', async () => {
    // 4x2 image, left half red, right half blue; orientation 6 means "rotate 90 degrees clockwise to view".
    const raw = Buffer.alloc(4 * 2 * 3);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 4; x++) raw.set(x < 2 ? [255, 0, 0] : [0, 0, 255], (y * 4 + x) * 3);
    const jpg = await sharp(raw, { raw: { width: 4, height: 2, channels: 3 } })
      .withMetadata({ orientation: 6 })
      .png()
      .toBuffer();
    expect((await sharp(jpg).metadata()).orientation).toBe(6);
    const img = await decodeImage(jpg);
    expect([img.width, img.height]).toEqual([2, 4]);
    expect(pixel(img, 0, 0).slice(0, 3)).toEqual([255, 0, 0]); // red is now on top
    expect(pixel(img, 0, 3).slice(0, 3)).toEqual([0, 0, 255]);
  });

  test.each([
    ['empty', async () => Buffer.alloc(0), 'INVALID_IMAGE', /empty/],
    ['non-image', async () => Buffer.from('hello, I am text'), 'UNSUPPORTED_IMAGE', /not an image format/],
    [
      'truncated JPEG',
      async () => (await solid(64, 48, orange, 'jpeg')).subarray(0, 300),
      'INVALID_IMAGE',
      /corrupt or truncated/,
    ],
    [
      'corrupt JPEG',
      async () => {
        const j = await solid(64, 48, orange, 'jpeg');
        return Buffer.concat([j.subarray(0, 150), Buffer.alloc(200, 7), j.subarray(350)]);
      },
      'INVALID_IMAGE',
      /corrupt/,
    ],
    ['100000x100000 PNG header', () => hugeHeaderPng(100_000, 100_000), 'IMAGE_TOO_LARGE', /pixel limit/],
  ])('%s bytes give a typed error naming the input', async (_name, make, code, message) => {
    const bytes = await make();
    const err = await decodeImage(bytes, { name: 'upload.jpg' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'IqaError', code, message: expect.stringMatching(message) });
    expect((err as Error).message).toContain('upload.jpg');
  });

  test('a decompression bomb is refused from its header', async () => {
    await expect(decodeImage(await hugeHeaderPng(100_000, 100_000))).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    await expect(decodeImage(await solid(100, 100, orange), { maxPixels: 9999 })).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
    });
  });

  test('a missing file names the path', async () => {
    await expect(decodeImage(join(dir, 'nope.jpg'))).rejects.toMatchObject({
      code: 'DATA_NOT_FOUND',
      message: expect.stringContaining('nope.jpg'),
    });
  });
});

describe('readImageInput', () => {
  test(
    'file path, Buffer, Uint8Array, Node stream, web-style async iterable and raw pixels give the same ' +
      'pixels (RGB for an opaque image: the levels of its RGBA)',
    async () => {
      const png = await solid(6, 4, orange);
      const path = join(dir, 'a.png');
      writeFileSync(path, png);
      const expected = await decodeImage(png, { rgbWhenOpaque: true });
      expect(expected.channels).toBe(3);
      expect(Array.from(expected.data)).toEqual(Array.from(toRgb(await decodeImage(png)).data));
      const raw = { data: new Uint8Array(6 * 4 * 3).fill(7), width: 6, height: 4, channels: 3 as const };
      async function* chunks() {
        yield png.subarray(0, 10);
        yield png.subarray(10);
      }
      for (const input of [path, png, new Uint8Array(png), createReadStream(path), Readable.from([png]), chunks()]) {
        const img = await readImageInput(input);
        expect(Buffer.from(img.data).equals(Buffer.from(expected.data))).toBe(true);
      }
      expect(await readImageInput(raw)).toBe(raw);
    },
  );

  test('a stream longer than maxBytes is refused', async () => {
    await expect(readImageInput(Readable.from([Buffer.alloc(2000)]), { maxBytes: 1000 })).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
    });
  });

  test('other values are a TypeError listing what is accepted', async () => {
    await expect(readImageInput(42 as never)).rejects.toThrow(
      new RegExp(
        /Expected a file path, Buffer\/Uint8Array, readable stream or \{ data, width, height, channels \} /.source +
          /for input but received 42/.source,
      ),
    );
    await expect(readImageInput('')).rejects.toThrow(TypeError);
  });
});
