import { resizeImage } from '../src/index.js';
import type { RawImage } from '../src/index.js';

function image(width: number, height: number, channels: 1 | 3 | 4, values: number[]): RawImage {
  return { data: new Uint8Array(values), width, height, channels };
}

describe('resizeImage (triangle filter, antialiased when shrinking, as Pillow BILINEAR)', () => {
  it('keeps a constant image constant when shrinking and enlarging', () => {
    const src = image(
      7,
      5,
      3,
      Array.from({ length: 7 * 5 * 3 }, (_, i) => [93, 0, 255][i % 3]!),
    );
    for (const [w, h] of [
      [3, 4],
      [12, 9],
      [1, 1],
      [7, 2],
    ] as const) {
      const out = resizeImage(src, w, h);
      expect([out.width, out.height, out.channels]).toEqual([w, h, 3]);
      expect(out.data.length).toBe(w * h * 3);
      for (let i = 0; i < out.data.length; i++) expect(out.data[i]).toBe([93, 0, 255][i % 3]);
    }
  });

  it('returns the same pixels at the identity size', () => {
    const src = image(3, 2, 1, [1, 2, 3, 4, 5, 6]);
    const out = resizeImage(src, 3, 2);
    expect(Array.from(out.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect([out.width, out.height, out.channels]).toEqual([3, 2, 1]);
  });

  it('2x2 -> 1x1 is the mean of the four pixels, per channel', () => {
    // Triangle of radius 2 around centre 1: inputs 0 and 1 both weigh 0.75 -> equal weights.
    expect(Array.from(resizeImage(image(2, 2, 1, [10, 20, 30, 40]), 1, 1).data)).toEqual([25]);
    const rgb = image(2, 2, 3, [0, 100, 200, 10, 110, 210, 20, 120, 220, 30, 130, 230]);
    expect(Array.from(resizeImage(rgb, 1, 1).data)).toEqual([15, 115, 215]);
  });

  it('4x4 of 2x2 blocks -> 2x2, by hand', () => {
    // Blocks: a=0 (top-left), b=70 (top-right), c=140 (bottom-left), d=210 (bottom-right).
    // 1-D weights for 4 -> 2 (radius 2): output 0 centre 1 -> inputs 0,1,2 weigh 0.75,0.75,0.25 -> 3/7,3/7,1/7;
    // output 1 centre 3 -> inputs 1,2,3 weigh 1/7,3/7,3/7.
    // Rows in the top half: (6a + b)/7 = 10, (a + 6b)/7 = 60; bottom half: (6c + d)/7 = 150, (c + 6d)/7 = 200.
    // Columns: (6*10 + 150)/7 = 30, (6*60 + 200)/7 = 80, (10 + 6*150)/7 = 130, (60 + 6*200)/7 = 180.
    const px = [
      [0, 0, 70, 70],
      [0, 0, 70, 70],
      [140, 140, 210, 210],
      [140, 140, 210, 210],
    ].flat();
    const out = resizeImage(image(4, 4, 1, px), 2, 2);
    expect(Array.from(out.data)).toEqual([30, 80, 130, 180]);
    // The image mean (105) is preserved.
    expect(Array.from(out.data).reduce((s, v) => s + v, 0) / 4).toBe(105);
  });

  it('enlarges 2 -> 4 by linear interpolation with clamped edges, by hand', () => {
    // Scale 0.5, radius 1. Centres in input coordinates: 0.25, 0.75, 1.25, 1.75 (pixel centres at 0.5, 1.5):
    // out0 = a, out1 = (3a + b)/4, out2 = (a + 3b)/4, out3 = b. With a = 0, b = 100: 0, 25, 75, 100.
    expect(Array.from(resizeImage(image(2, 1, 1, [0, 100]), 4, 1).data)).toEqual([0, 25, 75, 100]);
    expect(Array.from(resizeImage(image(1, 2, 1, [0, 100]), 1, 4).data)).toEqual([0, 25, 75, 100]);
  });

  it('keeps channels apart in interleaved RGBA', () => {
    const src = image(2, 1, 4, [0, 255, 40, 255, 100, 255, 80, 255]);
    expect(Array.from(resizeImage(src, 4, 1).data)).toEqual([
      0, 255, 40, 255, 25, 255, 50, 255, 75, 255, 70, 255, 100, 255, 80, 255,
    ]);
  });

  it('shrinks by a non-integer factor without leaving the value range', () => {
    const values = Array.from({ length: 9 * 7 }, (_, i) => (i % 2 ? 255 : 0));
    const out = resizeImage(image(9, 7, 1, values), 4, 3);
    expect(out.data.length).toBe(12);
    // An alternating 0/255 pattern averages to about mid-grey under antialiasing.
    for (const v of out.data) expect(Math.abs(v - 127.5)).toBeLessThan(40);
  });

  it('rejects bad sizes and malformed images with errors naming the field', () => {
    const src = image(2, 2, 1, [1, 2, 3, 4]);
    expect(() => resizeImage(src, 0, 2)).toThrow(new RangeError('Expected positive integer for width but received 0'));
    expect(() => resizeImage(src, 2, 1.5)).toThrow(
      new RangeError('Expected positive integer for height but received 1.5'),
    );
    expect(() => resizeImage(image(2, 2, 1, [1, 2, 3]), 1, 1)).toThrow(/Expected 4 bytes/);
  });
});
