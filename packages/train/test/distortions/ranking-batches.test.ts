import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { DISTORTIONS, applyCrop, pickCrop, rankingBatches, batchToNhwc, type RankingBatch } from '@iqa-zoo/train';
import { cloudy, edges, waves } from './fixtures.js';

const refs = [
  { name: 'a', image: waves(80) },
  { name: 'b', image: edges(72) },
  { name: 'c', image: cloudy(64, 2) },
];

async function take(n: number, options: Parameters<typeof rankingBatches>[0]): Promise<RankingBatch[]> {
  const out: RankingBatch[] = [];
  for await (const b of rankingBatches(options)) {
    out.push(b);
    if (out.length === n) break;
  }
  return out;
}

const bytes = (b: RankingBatch): string => b.images.map((i) => Buffer.from(i.data).toString('base64')).join('|');

describe('rankingBatches', () => {
  it('yields groups of the reference plus every level, one crop per group, seeded and repeatable', async () => {
    const options = {
      refs,
      set: 'tid2013' as const,
      types: ['tid16-mean-shift', 'tid17-contrast', 'tid01-awgn'],
      typesPerRef: 2,
      refsPerBatch: 2,
      crop: 48,
      seed: 3,
      workers: 0,
    };
    const [b0, b1] = await take(2, options);
    expect(b0!.images).toHaveLength(2 * 2 * 5);
    expect(b0!.images.every((i) => i.width === 48 && i.height === 48 && i.channels === 3)).toBe(true);
    expect(b1!.labels.map((l) => l.ref).filter((r, i, a) => a.indexOf(r) === i)).toHaveLength(1); // 3 refs: 2 + 1
    expect(b0!.labels.slice(0, 5).map((l) => l.level)).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(b0!.labels.map((l) => l.group))).toEqual(new Set([0, 1, 2, 3]));
    const again = await take(2, options);
    expect(bytes(again[0]!)).toBe(bytes(b0!));
    expect(bytes(again[1]!)).toBe(bytes(b1!));
    const other = await take(1, { ...options, seed: 4 });
    expect(bytes(other[0]!)).not.toBe(bytes(b0!));
  });

  it('cuts every version of a group with the same box, so only the distortion differs', async () => {
    const [batch] = await take(1, {
      refs,
      set: 'tid2013',
      types: ['tid16-mean-shift'],
      refsPerBatch: 3,
      crop: 40,
      seed: 11,
      workers: 0,
    });
    const shifts = DISTORTIONS['tid16-mean-shift']!.values;
    for (let g = 0; g < 3; g++) {
      const idx = batch!.labels.map((l, i) => (l.group === g ? i : -1)).filter((i) => i >= 0);
      const ref = batch!.images[idx[0]!]!;
      const source = refs.find((r) => r.name === batch!.labels[idx[0]!]!.ref)!.image;
      // the reference crop is a real crop of the source (found among all boxes and flips)
      let found = false;
      for (let top = 0; top + 40 <= source.height && !found; top++)
        for (let left = 0; left + 40 <= source.width && !found; left++) {
          for (const flip of [false, true])
            if (Buffer.from(applyCrop(source, { left, top, size: 40, flip }).data).equals(Buffer.from(ref.data)))
              found = true;
        }
      expect(found).toBe(true);
      idx.slice(1).forEach((i, k) => {
        const expected = ref.data.map((v) => Math.min(255, v + shifts[k]!));
        expect(Buffer.from(batch!.images[i]!.data).equals(Buffer.from(expected))).toBe(true);
      });
    }
  });

  it('walks epochs over a seeded permutation of the references', async () => {
    const batches = await take(10, {
      refs,
      set: 'live',
      types: ['wn'],
      refsPerBatch: 2,
      crop: 32,
      seed: 1,
      workers: 0,
      epochs: 2,
    });
    expect(batches.map((b) => b.epoch)).toEqual([0, 0, 1, 1]);
    for (const e of [0, 1]) {
      const seen = batches
        .filter((b) => b.epoch === e)
        .flatMap((b) => b.labels.filter((l) => l.level === 0).map((l) => l.ref));
      expect(seen.sort()).toEqual(['a', 'b', 'c']);
    }
  });

  it('decodes reference files, and skips unreadable ones with a report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'iqa-rank-'));
    try {
      const files = [join(dir, 'a.png'), join(dir, 'broken.jpg'), join(dir, 'c.png')];
      for (const [f, img] of [
        [files[0]!, waves(64)],
        [files[2]!, cloudy(60, 1)],
      ] as const) {
        await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).toFile(f);
      }
      await writeFile(files[1]!, 'not an image');
      const skipped: string[] = [];
      const [batch] = await take(1, {
        refs: files,
        set: 'live',
        types: ['jpeg'],
        refsPerBatch: 3,
        crop: 48,
        seed: 2,
        workers: 0,
        onSkip: (ref, err) => skipped.push(`${ref}: ${err.message}`),
      });
      expect(skipped).toEqual([expect.stringMatching(/broken\.jpg: Could not decode reference image/)]);
      expect(batch!.images).toHaveLength(2 * 6);
      expect(new Set(batch!.labels.map((l) => l.ref))).toEqual(new Set([files[0], files[2]]));
      expect(batch!.labels.map((l) => l.group)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad options with the allowed values', async () => {
    await expect(take(1, { refs, set: 'live', types: ['tid01-awgn'], workers: 0 })).rejects.toThrow(
      /one of 'gblur', 'wn', 'jpeg', 'jp2k'/,
    );
    await expect(take(1, { refs, set: 'nope' as 'live', workers: 0 })).rejects.toThrow(/one of 'live', 'tid2013'/);
    await expect(take(1, { refs, set: 'live', typesPerRef: 5, workers: 0 })).rejects.toThrow(/1\.\.4 for typesPerRef/);
  });

  it('crops inside the image and converts batches to NHWC floats', () => {
    for (let s = 0; s < 50; s++) {
      const box = pickCrop(100, 60, 60, s);
      expect(box.left >= 0 && box.left + 60 <= 100 && box.top === 0).toBe(true);
    }
    const { data, shape } = batchToNhwc([refs[2]!.image, refs[2]!.image]);
    expect(shape).toEqual([2, 64, 64, 3]);
    expect(data[5]).toBeCloseTo(refs[2]!.image.data[5]! / 255, 6);
  });
});
