import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initTfBackend } from '../../src/backend/select-backend.js';
import type { RgbImage } from '../../src/distortions/types.js';
import { type RankConfig, readTrainConfig } from '../../src/training/config.js';
import { toGrey, variantKey, variantLevel, variantReference } from '../../src/training/ladder-variants.js';
import { runRank } from '../../src/training/stage-rank.js';
import { makeMosDataset, writeConfig } from './helpers.js';

beforeAll(async () => {
  await initTfBackend({ backend: 'wasm' });
});

/** A 16x16 colour image with a checkerboard of 4-pixel squares (strong edges). */
function checker(): RgbImage {
  const data = new Uint8Array(16 * 16 * 3);
  for (let y = 0; y < 16; y++)
    for (let x = 0; x < 16; x++) {
      const on = ((x >> 2) + (y >> 2)) % 2 === 1;
      data.set(on ? [250, 40, 10] : [5, 120, 200], (y * 16 + x) * 3);
    }
  return { data, width: 16, height: 16, channels: 3 };
}

/** Sum of squared differences between horizontal neighbours: high for edges, low when smooth. */
function edgeEnergy(image: RgbImage): number {
  let e = 0;
  for (let y = 0; y < image.height; y++)
    for (let x = 1; x < image.width; x++)
      for (let c = 0; c < 3; c++) {
        const i = (y * image.width + x) * 3 + c;
        e += (image.data[i]! - image.data[i - 3]!) ** 2;
      }
  return e;
}

describe('ladder variants', () => {
  it('grey is BT.601 luma in all three channels, and stays grey after a distortion', () => {
    const grey = toGrey(checker());
    // 0.299*250 + 0.587*40 + 0.114*10 = 99.37; 0.299*5 + 0.587*120 + 0.114*200 = 94.735
    expect([...grey.data.subarray(12, 15)]).toEqual([99, 99, 99]);
    expect([...grey.data.subarray(0, 3)]).toEqual([95, 95, 95]);
    const noisy = { ...grey, data: grey.data.map((v, i) => (v + (i % 3) * 20) & 255) };
    const level = variantLevel(noisy, { kind: 'grey' });
    for (let i = 0; i < level.data.length; i += 3) {
      expect(level.data[i + 1]).toBe(level.data[i]);
      expect(level.data[i + 2]).toBe(level.data[i]);
    }
  });

  it('smooth blurs the crop, and keeps distorted levels as they are', () => {
    const crop = checker();
    const smooth = variantReference(crop, { kind: 'smooth', sigma: 3 });
    expect(smooth.width).toBe(16);
    expect(edgeEnergy(smooth)).toBeLessThan(edgeEnergy(crop) / 10);
    expect(variantLevel(crop, { kind: 'smooth', sigma: 3 })).toBe(crop);
  });

  it('a rank config names what is wrong with its variants', async () => {
    const rank = {
      stage: 'rank',
      network: 'vgg-tiny-ml',
      refs: os.tmpdir(),
      set: 'live',
      maxRefs: 0,
      heldOut: 0.2,
      cropSize: 32,
      cropsPerRef: 1,
      refsPerBatch: 2,
      margin: 1,
      epochs: 1,
      batchSize: 8,
      learningRate: 0.01,
      out: 'runs/x',
    };
    const ok = await readTrainConfig(await writeConfig({ ...rank, variants: [{ kind: 'grey' }] }), 'rank');
    expect(ok.variants).toEqual([{ kind: 'grey' }]);
    await expect(
      readTrainConfig(await writeConfig({ ...rank, variants: [{ kind: 'sepia' }] }), 'rank'),
    ).rejects.toThrow(/expected \{ "kind": "grey" \} or \{ "kind": "smooth", "sigma" \} for "variants\[0\]"/);
    await expect(
      readTrainConfig(await writeConfig({ ...rank, variants: [{ kind: 'smooth' }] }), 'rank'),
    ).rejects.toThrow(/expected a positive "sigma" \(pixels\) for "variants\[0\]" but received undefined/);
    await expect(
      readTrainConfig(await writeConfig({ ...rank, variants: [{ kind: 'grey', types: ['flatten'] }] }), 'rank'),
    ).rejects.toThrow(/the set's types \(gblur, wn, jpeg, jp2k\) for "variants\[0\]".types but received/);
    const anchored = { kind: 'smooth', sigma: 6, types: ['jpeg'], anchored: true };
    expect((await readTrainConfig(await writeConfig({ ...rank, variants: [anchored] }), 'rank')).variants).toEqual([
      anchored,
    ]);
    await expect(
      readTrainConfig(await writeConfig({ ...rank, variants: [{ kind: 'grey', anchored: 'yes' }] }), 'rank'),
    ).rejects.toThrow(/expected true or false for "variants\[0\]".anchored but received/);
  });

  it('keys a variant\'s cache entries without "anchored" (it changes the loss, not the rows)', () => {
    expect(variantKey({ kind: 'smooth', sigma: 6, types: ['jpeg'], anchored: true })).toEqual({
      kind: 'smooth',
      sigma: 6,
      types: ['jpeg'],
    });
    expect(JSON.stringify(variantKey({ kind: 'smooth', sigma: 6, types: ['jpeg'] }))).toBe(
      '{"kind":"smooth","sigma":6,"types":["jpeg"]}',
    );
  });

  it("adds ladders to stage 1 and reads the set's own ladders from the cache of a run without variants", async () => {
    const refs = await makeMosDataset(6, 40);
    const work = await fs.mkdtemp(path.join(os.tmpdir(), 'iqa-variants-'));
    const cfg: RankConfig = {
      stage: 'rank',
      network: 'vgg-tiny-ml',
      head: { pooling: ['avg', 'std'], hidden: 0, dropout: 0.1, seed: 3 },
      refs: refs.dir,
      set: 'live',
      types: ['jpeg'],
      maxRefs: 0,
      heldOut: 0.34,
      cropSize: 32,
      cropsPerRef: 1,
      refsPerBatch: 2,
      margin: 1,
      epochs: 1,
      batchSize: 24,
      learningRate: 0.01,
      weightDecay: 0,
      seed: 4,
      cache: path.join(work, 'cache'),
      out: path.join(work, 'plain'),
    };
    const plain = await runRank(cfg, { configFile: 'plain.json' });
    expect(plain.images).toBe(6 * 6);
    expect(plain.cache).toEqual({ hits: 0, misses: 6 });
    const variants = await runRank(
      {
        ...cfg,
        variants: [{ kind: 'grey' }, { kind: 'smooth', sigma: 2, types: ['wn'] }],
        out: path.join(work, 'variants'),
      },
      { configFile: 'variants.json' },
    );
    // Each reference: its jpeg ladder, a grey jpeg ladder and a smooth noise ladder of 6 images each.
    expect(variants.images).toBe(6 * 18);
    expect(variants.cache).toEqual({ hits: 6, misses: 12 });
    // The smooth copy anchored: the same rows (every entry from the cache), trained with anchored pairs.
    const anchored = await runRank(
      {
        ...cfg,
        variants: [{ kind: 'grey' }, { kind: 'smooth', sigma: 2, types: ['wn'], anchored: true }],
        out: path.join(work, 'anchored'),
      },
      { configFile: 'anchored.json' },
    );
    expect(anchored.images).toBe(6 * 18);
    expect(anchored.cache).toEqual({ hits: 18, misses: 0 });
    expect(anchored.state.epoch).toBe(1);
    const log = JSON.parse(
      (await fs.readFile(path.join(work, 'anchored', 'log.jsonl'), 'utf8')).trim().split('\n')[0]!,
    );
    expect(Number.isFinite(log.loss)).toBe(true);
  }, 300_000);
});
