/**
 * The Node decoder's colour and empty-input contract: pixels come out in sRGB whatever profile the
 * file carries (as Chromium renders them), and an empty file or empty bytes are one error.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage } from '@iqa-zoo/image-node';
import sharp from 'sharp';

const dir = mkdtempSync(join(tmpdir(), 'iqa-image-node-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const [w, h] = [64, 48];
/** sRGB pixels: a ramp of warm mid-tones, inside every gamut involved. */
const srgb = Buffer.alloc(w * h * 3);
for (let i = 0; i < w * h; i++) srgb.set([120 + (i % w), 100 + (i % w), 90], i * 3);

function maxDiff(a: ArrayLike<number>, aChannels: number, b: ArrayLike<number>, bChannels: number): number {
  let max = 0;
  for (let i = 0; i < w * h; i++)
    for (let c = 0; c < 3; c++) max = Math.max(max, Math.abs(a[i * aChannels + c]! - b[i * bChannels + c]!));
  return max;
}

describe('decodeImage', () => {
  test.each(['jpeg', 'png'] as const)(
    'a %s with an embedded Display P3 profile decodes to its sRGB pixels, not its stored values',
    async (format) => {
      const source = sharp(srgb, { raw: { width: w, height: h, channels: 3 } }).withIccProfile('p3');
      const bytes = await (format === 'jpeg'
        ? source.jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
        : source.png()
      ).toBuffer();
      expect((await sharp(bytes).metadata()).icc).toBeDefined();
      const stored = await sharp(bytes, { ignoreIcc: true }).raw().toBuffer();
      expect(maxDiff(stored, 3, srgb, 3)).toBeGreaterThan(8); // the profile matters for these pixels
      const decoded = await decodeImage(bytes);
      expect(maxDiff(decoded.data, 4, srgb, 3)).toBeLessThanOrEqual(3);
    },
  );

  // A CMYK file, plain (as `.toColourspace('cmyk').jpeg()` writes it) or carrying the profile it was made
  // with, decodes back to the sRGB it came from within 6 of 255 (max; the CMYK profile's lookup tables
  // do not invert exactly). sharp's default perceptual import was 11 off; Chromium's naive conversion of
  // the plain file is 31 off.
  test.each(['plain', 'profiled'] as const)('a %s CMYK JPEG decodes to the sRGB it was made from', async (kind) => {
    const toCmyk = sharp(srgb, { raw: { width: w, height: h, channels: 3 } }).toColourspace('cmyk');
    const bytes = await (kind === 'profiled' ? toCmyk.keepIccProfile() : toCmyk).jpeg({ quality: 100 }).toBuffer();
    const meta = await sharp(bytes).metadata();
    const profiled = meta.icc !== undefined;
    expect({ space: meta.space, profiled }).toEqual({ space: 'cmyk', profiled: kind === 'profiled' });
    const decoded = await decodeImage(bytes);
    expect([decoded.width, decoded.height, decoded.channels]).toEqual([w, h, 4]);
    expect(maxDiff(decoded.data, 4, srgb, 3)).toBeLessThanOrEqual(6);
  });

  test.each([
    ['an opaque JPEG', 'jpeg', 3],
    ['a grey PNG', 'grey', 3],
    ['a CMYK JPEG', 'cmyk', 3],
    ['a PNG with alpha', 'alpha', 4],
  ] as const)('rgbWhenOpaque: %s (%s) comes back with %d channels, the levels of its RGBA', async (_, kind, n) => {
    const rgb = sharp(srgb, { raw: { width: w, height: h, channels: 3 } });
    const bytes = await (kind === 'jpeg'
      ? rgb.jpeg({ quality: 90 })
      : kind === 'grey'
        ? rgb.greyscale().png()
        : kind === 'cmyk'
          ? rgb.toColourspace('cmyk').jpeg({ quality: 100 })
          : rgb.ensureAlpha(0.5).png()
    ).toBuffer();
    const rgba = await decodeImage(bytes);
    const fast = await decodeImage(bytes, { rgbWhenOpaque: true });
    expect([fast.width, fast.height, fast.channels, fast.data.length]).toEqual([w, h, n, w * h * n]);
    expect(rgba.channels).toBe(4);
    expect(maxDiff(fast.data, n, rgba.data, 4)).toBe(0);
    if (n === 4) expect(Array.from(fast.data)).toEqual(Array.from(rgba.data));
  });

  test('an empty file and an empty Buffer give the same code and message shape', async () => {
    const file = join(dir, 'empty.jpg');
    writeFileSync(file, '');
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => ({ code: 'none', message: 'decoded' }),
        (e: { code: string; message: string }) => e,
      );
    const fromFile = await failure(decodeImage(file));
    const fromBytes = await failure(decodeImage(Buffer.alloc(0), { name: file }));
    expect(fromFile).toMatchObject({
      code: 'INVALID_IMAGE',
      message: `Expected image bytes for ${file} but it is empty`,
    });
    expect({ code: fromBytes.code, message: fromBytes.message }).toEqual({
      code: fromFile.code,
      message: fromFile.message,
    });
  });
});
