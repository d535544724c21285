/** Small test images made with sharp (tests never read the shared data set). */
import sharp from 'sharp';

export type Rgb = { r: number; g: number; b: number };

/** A solid-colour image encoded as `format`. */
export function solid(
  width: number,
  height: number,
  colour: Rgb,
  format: 'png' | 'jpeg' | 'webp' | 'tiff' = 'png',
): Promise<Buffer> {
  const img = sharp({ create: { width, height, channels: 3, background: colour } });
  return (
    format === 'jpeg'
      ? img.jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
      : img.toFormat(format, format === 'webp' ? { lossless: true } : {})
  ).toBuffer();
}

/** The tiny model's expected score for a solid colour: 100 * (0.5 R + 0.3 G + 0.2 B) / 255. */
export function tinyScore({ r, g, b }: Rgb): number {
  return (100 * (0.5 * r + 0.3 * g + 0.2 * b)) / 255;
}

/** A PNG whose header claims `width` x `height` (a decompression bomb's first bytes). */
export async function hugeHeaderPng(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await solid(8, 8, { r: 1, g: 2, b: 3 }));
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  return png;
}

/** A two-frame animation: first frame `first`, second frame `second`. */
export async function animated(format: 'gif' | 'webp', first: Rgb, second: Rgb): Promise<Buffer> {
  const w = 24;
  const frame = (c: Rgb) => Buffer.alloc(w * w * 3).map((_, i) => [c.r, c.g, c.b][i % 3]!);
  const raw = Buffer.concat([frame(first), frame(second)]);
  const img = sharp(raw, { raw: { width: w, height: w * 2, channels: 3, pageHeight: w } });
  return (
    format === 'gif'
      ? img.gif({ loop: 0, delay: [100, 100] })
      : img.webp({ lossless: true, loop: 0, delay: [100, 100] })
  ).toBuffer();
}
