/**
 * Stage 1: learning from rankings (RankIQA). Crops of pristine photos are distorted at every
 * level of every type; a batch holds, for each of its references, all types with all levels
 * plus the undistorted crop; the loss is the mean hinge over all ordered pairs that share a
 * reference crop and a type. Ranking accuracy is reported on held-out references.
 */
import { getNetwork } from '../networks/index.js';
import type { RankConfig } from './config.js';
import { FeatureCache, sha256 } from './feature-cache.js';
import { weightsHash } from './features.js';
import { type TrainState, loopOptions, trainHead } from './head-trainer.js';
import { seededShuffle } from './mos-data.js';
import { type Ladder, ladderItems, rankLadders } from './rank-ladders.js';
import { type RankItem, rankingAccuracy, rankingHingeLoss, rankingPairs } from './ranking-loss.js';
import { featureSource } from './feature-source.js';
import {
  type FeatureShard,
  type FeatureWorkerOptions,
  type ShardCounts,
  shardedFeaturePass,
} from './feature-shards.js';

export interface RankOptions extends FeatureWorkerOptions {
  resume?: boolean;
  stopAfter?: number;
  /** The config file (and overrides) this run came from, recorded for the card. */
  configFile?: string;
}

export interface RankResult {
  state: TrainState;
  refs: { train: number; heldOut: number; skipped: string[] };
  images: number;
  featureSeconds: number;
  cache: { hits: number; misses: number };
}

/**
 * What stage 1 sets up before training: the network, the references (shuffled; the first
 * `nHeld` held out), the feature cache, and `pass`, which brings the trunk rows of every
 * reference's crops and distorted versions (or of one shard of the references) from the cache or
 * computes them.
 */
async function prepareRank(cfg: RankConfig) {
  const spec = getNetwork(cfg.network);
  const model = await spec.build(cfg.head);
  const source = await featureSource(model, cfg);
  const cache = new FeatureCache(cfg.cache, await weightsHash(source.extractor.features, sha256));
  const { refs, nHeld, pass } = await rankLadders(cfg, source, cache, spec.input);
  return { model, source, cache, refs, nHeld, pass };
}

/**
 * A feature helper's whole job: computes the cache entries of one shard of stage 1's references
 * and trains nothing.
 */
export async function fillRankCache(cfg: RankConfig, shard: FeatureShard): Promise<ShardCounts> {
  const { cache, pass } = await prepareRank(cfg);
  await pass(shard);
  return { hits: cache.hits, misses: cache.misses };
}

/** Runs stage 1 as `cfg` says. The best weights (by held-out ranking accuracy) land in `<out>/best`. */
export async function runRank(cfg: RankConfig, options: RankOptions = {}): Promise<RankResult> {
  const { model, source, cache, refs, nHeld, pass } = await prepareRank(cfg);
  const split = source.own;
  const f = split.featureSize;
  const t0 = Date.now();
  const { rows, ladders: groups, skipped } = await shardedFeaturePass(cache, pass, options);
  const featureSeconds = (Date.now() - t0) / 1000;
  const features = new Float32Array(rows.length * f);
  rows.forEach((row, i) => {
    features.set(row, i * f);
  });

  // Batch items: each group's items in level order, so a batch's RankItems come from the groups.
  const trainGroups = groups.filter((g) => g.ref >= nHeld);
  const heldGroups = groups.filter((g) => g.ref < nHeld);
  const trainRefs = [...new Set(trainGroups.map((g) => g.ref))];
  // Labels (group, level) by position, for every batch and every micro-batch of references in it.
  const batchItems = new Map<string, RankItem[]>();
  const microOf = new Map<string, number[][]>();
  const label = (gs: Ladder[]): RankItem[] => ladderItems(gs, (g, k) => `${g.ref}:${k}`);
  const batches = (epoch: number): number[][] => {
    const order = seededShuffle(trainRefs, cfg.seed * 31 + epoch);
    const out: number[][] = [];
    for (let i = 0; i < order.length; i += cfg.refsPerBatch) {
      const chosen = order.slice(i, i + cfg.refsPerBatch);
      const gs = trainGroups.filter((g) => chosen.includes(g.ref));
      const batch = gs.flatMap((g) => g.items);
      batchItems.set(batch.join(','), label(gs));
      const micro: number[][] = [];
      for (let j = 0; j < chosen.length; j += cfg.microBatch ?? chosen.length) {
        const part = new Set(chosen.slice(j, j + (cfg.microBatch ?? chosen.length)));
        const pgs = gs.filter((g) => part.has(g.ref));
        const items = pgs.flatMap((g) => g.items);
        batchItems.set(items.join(','), label(pgs));
        micro.push(items);
      }
      microOf.set(batch.join(','), micro);
      out.push(batch);
    }
    return out;
  };
  const heldRows = heldGroups.flatMap((g) => g.items);
  const heldPairs = rankingPairs(ladderItems(heldGroups));

  const state = await trainHead({
    stage: 'rank',
    model,
    split,
    features,
    batches,
    loss: (scores, batch) => rankingHingeLoss(scores, rankingPairs(batchItems.get(batch.join(','))!), cfg.margin),
    microBatches: cfg.microBatch ? (batch) => microOf.get(batch.join(','))! : undefined,
    lossCount: (batch) => rankingPairs(batchItems.get(batch.join(','))!).better.length,
    validate: async (predict) => {
      const x = new Float32Array(heldRows.length * f);
      heldRows.forEach((row, i) => {
        x.set(features.subarray(row * f, (row + 1) * f), i * f);
      });
      const pred = heldRows.length > 0 ? await predict(x) : new Float32Array(0);
      return { rankAccuracy: heldRows.length > 0 ? rankingAccuracy(pred, heldPairs) : Number.NaN };
    },
    selectBy: 'rankAccuracy',
    ...loopOptions(cfg, options),
    extraFiles: (st) => ({
      'rank.json': JSON.stringify({
        refs: refs.length - nHeld,
        heldOut: nHeld,
        images: rows.length,
        set: cfg.set,
        bestRankAccuracy: st.best?.rankAccuracy ?? Number.NaN,
        wallSeconds: st.wallSeconds + featureSeconds,
        featureSeconds,
        cache: { hits: cache.hits, misses: cache.misses },
        config: options.configFile ?? '',
      }),
    }),
  });
  return {
    state,
    refs: { train: refs.length - nHeld, heldOut: nHeld, skipped },
    images: rows.length,
    featureSeconds,
    cache: { hits: cache.hits, misses: cache.misses },
  };
}
