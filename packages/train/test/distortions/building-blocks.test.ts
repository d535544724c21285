import { decodeJpeg2000, encodeJpeg2000, gaussianBlur, gaussianKernel, multiOtsu, planFft, psnr } from '@iqa-zoo/train';
import { cloudy, waves } from './fixtures.js';

describe('JPEG 2000 (OpenJPEG wasm)', () => {
  it.each([0.46, 0.16, 0.07, 0.04, 0.02])('meets %f bpp within 10%% and decodes back', async (bpp) => {
    const image = cloudy(384, 3);
    const j2k = await encodeJpeg2000(image, bpp);
    const actual = (j2k.length * 8) / (image.width * image.height);
    expect(Math.abs(actual - bpp) / bpp).toBeLessThan(0.1);
    expect([...j2k.subarray(0, 4)]).toEqual([0xff, 0x4f, 0xff, 0x51]); // SOC + SIZ markers
    const back = await decodeJpeg2000(j2k);
    expect([back.width, back.height, back.channels]).toEqual([384, 384, 3]);
    expect(psnr(image, back)).toBeGreaterThan(15); // interleaved RGB, not garbage
  });

  it('rejects a bit rate out of range', async () => {
    await expect(encodeJpeg2000(waves(32), 0)).rejects.toThrow(RangeError);
  });
});

describe('Gaussian blur', () => {
  it('builds fspecial kernels that sum to 1 with sigma hsize/6', () => {
    const k = gaussianKernel(7, 7 / 6);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(k[0]! / k[3]!).toBeCloseTo(Math.exp(-9 / (2 * (7 / 6) ** 2)), 12);
  });

  it('keeps a flat image flat with symmetric borders, even with a kernel wider than the image', () => {
    const flat = { data: new Uint8Array(20 * 10 * 3).fill(77), width: 20, height: 10, channels: 3 as const };
    expect(gaussianBlur(flat, 199, 199 / 6).data.every((v) => v === 77)).toBe(true);
  });
});

describe('FFT', () => {
  it.each([8, 12, 45])('matches a direct DFT for length %i, forward and inverse', (n) => {
    const re = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.3) + (i % 3));
    const im = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.7));
    const r2 = re.slice();
    const i2 = im.slice();
    planFft(n).transform(r2, i2, false);
    for (let k = 0; k < n; k++) {
      let sr = 0;
      let si = 0;
      for (let j = 0; j < n; j++) {
        const a = (-2 * Math.PI * j * k) / n;
        sr += re[j]! * Math.cos(a) - im[j]! * Math.sin(a);
        si += re[j]! * Math.sin(a) + im[j]! * Math.cos(a);
      }
      expect(r2[k]).toBeCloseTo(sr, 9);
      expect(i2[k]).toBeCloseTo(si, 9);
    }
    planFft(n).transform(r2, i2, true);
    for (let k = 0; k < n; k++) expect(r2[k]! / n).toBeCloseTo(re[k]!, 9);
  });
});

describe('multi-level Otsu', () => {
  it('finds the exhaustive optimum for two thresholds', () => {
    const hist = Array.from({ length: 256 }, (_, v) =>
      Math.round(
        100 * Math.exp(-((v - 50) ** 2) / 200) +
          60 * Math.exp(-((v - 140) ** 2) / 300) +
          80 * Math.exp(-((v - 210) ** 2) / 100),
      ),
    );
    const within = (cuts: number[]): number => {
      let e = 0;
      let lo = 0;
      for (const hi of [...cuts, 255]) {
        let n = 0,
          s = 0,
          s2 = 0;
        for (let v = lo; v <= hi; v++) {
          n += hist[v]!;
          s += hist[v]! * v;
          s2 += hist[v]! * v * v;
        }
        if (n > 0) e += s2 - (s * s) / n;
        lo = hi + 1;
      }
      return e;
    };
    let best = Infinity;
    for (let a = 0; a < 254; a++) for (let b = a + 1; b < 255; b++) best = Math.min(best, within([a, b]));
    const cuts = multiOtsu(hist, 2);
    expect(cuts).toHaveLength(2);
    expect(within(cuts)).toBeCloseTo(best, 6);
    expect(cuts[0]!).toBeGreaterThan(50);
    expect(cuts[1]!).toBeLessThan(210);
  });
});
