/**
 * Ranking ladders: crops of pristine photos, each distorted at every level of every type of a set,
 * as trunk rows from the feature cache (or computed and cached). Stage 1 ranks them; stage 2's
 * ranking term (`rankTask`) ranks the same ladders next to its MOS loss, and with the same config
 * and trunk it reads the rows stage 1 cached.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { CardInput, RawImage } from '@iqa-zoo/core';
import { distortLevels, getDistortionSet } from '../distortions/registry.js';
import type { RgbImage } from '../distortions/types.js';
import type { RankConfig } from './config.js';
import type { FeatureCache } from './feature-cache.js';
import { sha256 } from './feature-cache.js';
import { cropFeatures } from './features.js';
import type { FeatureSource } from './feature-source.js';
import { type FeatureShard, shardOf } from './feature-shards.js';
import { fitForCrops, trainingCrops } from './image-crops.js';
import { type LadderVariant, variantKey, variantLevel, variantReference } from './ladder-variants.js';
import { seededShuffle } from './mos-data.js';
import { Progress } from './progress.js';
import type { RankItem } from './ranking-loss.js';
import { readImageRgb } from './read-image.js';

const IMAGE_EXT = /\.(jpe?g|png|webp|tiff?|avif|gif)$/i;

/** The ladder settings of a stage-1 config (what keys its cache entries). */
export type LadderConfig = Pick<
  RankConfig,
  'refs' | 'set' | 'types' | 'variants' | 'maxRefs' | 'heldOut' | 'cropSize' | 'cropsPerRef' | 'seed'
>;

/** One reference crop with one type: the row ids of its levels, 0 (pristine) first. */
export interface Ladder {
  /** Index of the reference in the shuffled list (the first `nHeld` are held out). */
  ref: number;
  items: number[];
  /** The head (level 0) is an anchor: the hinge moves only the distorted levels (an anchored variant). */
  anchored?: boolean;
}

/** The rows of every ladder of a pass, and the references that could not be read. */
export interface LadderRows {
  rows: Float32Array[];
  ladders: Ladder[];
  skipped: string[];
}

function cropOf(rgb: RawImage, x: number, y: number, size: number): RgbImage {
  const out = new Uint8Array(size * size * 3);
  for (let r = 0; r < size; r++)
    out.set(rgb.data.subarray(((y + r) * rgb.width + x) * 3, ((y + r) * rgb.width + x + size) * 3), r * size * 3);
  return { data: out, width: size, height: size, channels: 3 };
}

/**
 * Labels (ladder, level) of `ladders`' items in order, for `rankingPairs`; an anchored ladder's head is
 * an anchor. `groupOf` names each ladder's group (default: its index).
 */
export function ladderItems(
  ladders: readonly Ladder[],
  groupOf: (ladder: Ladder, k: number) => string = (_, k) => String(k),
): RankItem[] {
  return ladders.flatMap((g, k) => {
    const group = groupOf(g, k);
    return g.items.map((_, level) => (g.anchored && level === 0 ? { group, level, anchor: true } : { group, level }));
  });
}

/**
 * The references of `cfg` (sorted, shuffled by its seed, the first `nHeld` held out) and `pass`,
 * which brings the rows of every ladder (or of one shard of the references) from `cache`, or
 * distorts the crops and runs them through `source`'s trunk.
 */
export async function rankLadders(
  cfg: LadderConfig,
  source: FeatureSource,
  cache: FeatureCache,
  input: Pick<CardInput, 'pixelRange' | 'mean' | 'std'>,
) {
  const f = source.own.featureSize;
  const fx = source.extractor.featureSize;
  const types = cfg.types ?? [...getDistortionSet(cfg.set)];
  const files = (await fs.readdir(cfg.refs)).filter((n) => IMAGE_EXT.test(n)).sort();
  let refs = seededShuffle(files, cfg.seed);
  if (cfg.maxRefs > 0) refs = refs.slice(0, cfg.maxRefs);
  const nHeld = Math.round(refs.length * cfg.heldOut);

  const pass = async (shard?: FeatureShard): Promise<LadderRows> => {
    const rows: Float32Array[] = [];
    const ladders: Ladder[] = [];
    const skipped: string[] = [];
    const mine = shardOf(
      refs.map((_, r) => r),
      shard,
    );
    const progress = new Progress('rank features', mine.length);
    for (const r of mine) {
      const file = path.join(cfg.refs, refs[r]!);
      try {
        // Read once: the bytes key the cache and, on a miss, are what gets decoded.
        const bytes = await fs.readFile(file);
        const content = sha256([bytes]);
        let rgb: RawImage | null = null;
        const cropAt = async (c: number): Promise<{ crop: RgbImage; flip: boolean }> => {
          rgb ??= fitForCrops(await readImageRgb(file, bytes), cfg.cropSize);
          const box = trainingCrops(rgb.width, rgb.height, cfg.cropSize, c + 1, cfg.seed, refs[r]!)[c]!;
          return { crop: cropOf(rgb, box.x, box.y, cfg.cropSize), flip: box.flip };
        };
        // One cache entry per crop (the set's ladders, as before variants existed) and per variant.
        const entries: { variant?: LadderVariant; types: string[] }[] = [
          { types },
          ...(cfg.variants ?? []).map((variant) => ({ variant, types: variant.types ?? types })),
        ];
        for (let c = 0; c < cfg.cropsPerRef; c++) {
          for (const entry of entries) {
            const key = {
              image: refs[r],
              content,
              crop: c,
              size: cfg.cropSize,
              seed: cfg.seed,
              types: entry.types,
              set: cfg.set,
              ...(entry.variant ? { variant: variantKey(entry.variant) } : {}),
            };
            const cached = await cache.getOrCompute(key, async () => {
              const { crop, flip } = await cropAt(c);
              const v = entry.variant;
              const head = v ? variantReference(crop, v) : crop;
              const images: RawImage[] = [head];
              for (const type of entry.types) {
                const levels = await distortLevels(head, type, { seed: cfg.seed + c });
                images.push(...(v ? levels.map((l) => variantLevel(l, v)) : levels));
              }
              const whole = { x: 0, y: 0, size: cfg.cropSize, flip };
              const out: Float32Array[] = [];
              for (const img of images) out.push(await cropFeatures(source.extractor.features, img, [whole], input));
              const all = new Float32Array(out.length * fx);
              out.forEach((o, i) => {
                all.set(o, i * fx);
              });
              return all;
            });
            const feats = await source.select(cached);
            const base = rows.length;
            for (let i = 0; i < feats.length / f; i++) rows.push(feats.subarray(i * f, (i + 1) * f));
            const levels = (feats.length / f - 1) / entry.types.length;
            entry.types.forEach((_, t) => {
              ladders.push({
                ref: r,
                items: [base, ...Array.from({ length: levels }, (_, l) => base + 1 + t * levels + l)],
                ...(entry.variant?.anchored ? { anchored: true } : {}),
              });
            });
          }
        }
      } catch (err) {
        skipped.push(`${refs[r]}: ${(err as Error).message}`);
        process.stderr.write(`skipping reference ${refs[r]}: ${(err as Error).message}\n`);
      }
      progress.tick();
    }
    return { rows, ladders, skipped };
  };
  return { refs, nHeld, types, pass };
}
