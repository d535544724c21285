import { DISTORTIONS, DISTORTION_SETS, distort, distortLevels, psnr } from '@iqa-zoo/train';
import { testImages } from './fixtures.js';

const small = testImages(128);
const large = testImages(256); // JPEG 2000 at 0.02 bpp needs room beyond its headers
const imagesFor = (type: string) => (/jp2k/.test(type) ? large : small);
const allTypes = Object.keys(DISTORTIONS);

describe('the distortion sets', () => {
  it("hold RankIQA's LIVE (4 x 5) and TID2013 (17 x 4) types", () => {
    expect(DISTORTION_SETS.live).toEqual(['gblur', 'wn', 'jpeg', 'jp2k']);
    expect(DISTORTION_SETS.live.map((t) => DISTORTIONS[t]!.values.length)).toEqual([5, 5, 5, 5]);
    expect(DISTORTION_SETS.tid2013.map((t) => DISTORTIONS[t]!.tid)).toEqual([
      1, 2, 5, 6, 7, 8, 9, 10, 11, 14, 15, 16, 17, 18, 19, 22, 23,
    ]);
    expect(DISTORTION_SETS.tid2013.every((t) => DISTORTIONS[t]!.values.length === 4)).toBe(true);
    expect(DISTORTIONS['tid07-quantization']!.values).toEqual([9, 7, 5, 3]);
    expect(DISTORTIONS.wn!.values).toEqual([2 ** -10, 2 ** -7.5, 2 ** -5.5, 2 ** -3.5, 1]);
  });

  it("hold in 'wide' LIVE's types and three ladders that end in a blank white, black or flat image", async () => {
    expect(DISTORTION_SETS.wide).toEqual([...DISTORTION_SETS.live, 'over-exposure', 'under-exposure', 'flatten']);
    const [image] = small;
    const last = async (type: string) => (await distortLevels(image!, type, { levels: [5] }))[0]!.data;
    expect((await last('over-exposure')).filter((v) => v < 250).length / image!.data.length).toBeLessThan(0.05);
    expect(Math.max(...(await last('under-exposure')))).toBeLessThanOrEqual(11);
    const flat = await last('flatten');
    for (let c = 0; c < 3; c++) expect(new Set(flat.filter((_, i) => i % 3 === c)).size).toBe(1);
  });
});

describe.each(allTypes)('%s', (type) => {
  it('gets strictly worse (PSNR) with the level on several images', async () => {
    for (const image of imagesFor(type)) {
      const outs = await distortLevels(image, type, { seed: 5 });
      const scores = outs.map((o) => psnr(image, o));
      for (let i = 1; i < scores.length; i++) {
        if (!(scores[i]! < scores[i - 1]!))
          throw new Error(`${type}: PSNR ${scores.map((s) => s.toFixed(2)).join(' > ')} is not strictly decreasing`);
      }
      expect(outs.every((o) => o.width === image.width && o.height === image.height && o.channels === 3)).toBe(true);
      expect(Number.isFinite(scores[0]!)).toBe(true); // level 1 changes the image
    }
  });

  it('is deterministic for a seed; random types differ between seeds', async () => {
    const image = imagesFor(type)[2]!;
    const level = DISTORTIONS[type]!.values.length - 1;
    const a = await distort(image, { type, level, seed: 1 });
    const b = await distort(image, { type, level, seed: 1 });
    const c = await distort(image, { type, level, seed: 2 });
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
    expect(Buffer.from(a.data).equals(Buffer.from(c.data))).toBe(!DISTORTIONS[type]!.random);
  });
});

describe('distort()', () => {
  it('matches distortLevels level by level and accepts grey input', async () => {
    const image = small[0]!;
    const all = await distortLevels(image, 'tid19-mult-noise', { seed: 9 });
    const third = await distort(image, { type: 'tid19-mult-noise', level: 3, seed: 9 });
    expect(Buffer.from(third.data).equals(Buffer.from(all[2]!.data))).toBe(true);
    const grey = { data: new Uint8Array(32 * 32).fill(100), width: 32, height: 32, channels: 1 as const };
    const out = await distort(grey, { type: 'tid16-mean-shift', level: 2 });
    expect(out.channels).toBe(3);
    expect(out.data.every((v) => v === 130)).toBe(true);
  });

  it('rejects unknown types and levels out of range, listing the allowed values', async () => {
    const image = small[0]!;
    await expect(distort(image, { type: 'blur', level: 1 })).rejects.toThrow(RangeError);
    await expect(distort(image, { type: 'blur', level: 1 })).rejects.toThrow(
      new RegExp(
        /one of 'gblur', 'wn', 'jpeg', 'jp2k', 'tid01-awgn'.*/.source +
          /'tid23-chromatic', 'over-exposure', 'under-exposure', 'flatten'\) for type but received "blur"/.source,
      ),
    );
    await expect(distort(image, { type: 'gblur', level: 6 })).rejects.toThrow(
      "Expected a level of 'gblur' (one of 1, 2, 3, 4, 5) for level but received 6",
    );
    await expect(distort(image, { type: 'tid17-contrast', level: 0 })).rejects.toThrow(
      '(one of 1, 2, 3, 4) for level but received 0',
    );
    await expect(distort(image, { type: 'jpeg', level: 1.5 })).rejects.toThrow(RangeError);
    await expect(distort(image, { type: 'jpeg', level: 1, seed: -0.5 })).rejects.toThrow(TypeError);
    await expect(distortLevels(image, 'wn', { levels: [1, 7] })).rejects.toThrow(/one of 1, 2, 3, 4, 5/);
  });
});
