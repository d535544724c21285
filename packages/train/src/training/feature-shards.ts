/**
 * Parallel feature passes. tfjs's wasm backend runs one thread in Node, so a first run's feature
 * pass (every image through the frozen layers, the longest part of training here) would use one
 * core. With `featureWorkers: N`, N - 1 helpers (other processes, see `feature-helper-process.ts`)
 * each compute the cache entries of one shard of the images while this process computes shard 0;
 * then the usual pass reads every entry from the cache. Cache entries are files written
 * atomically, so no process ever reads a partial one, and the cached numbers do not depend on
 * which process computed them. A helper that fails costs only time: the final pass computes
 * whatever it left out.
 */
import { IqaError } from '@iqa-zoo/core';
import type { FeatureCache } from './feature-cache.js';

/** Entry `i` of a list belongs to shard `i % count`; this is shard `index`. */
export interface FeatureShard {
  index: number;
  count: number;
}

/** What one shard's pass did with the cache. */
export interface ShardCounts {
  hits: number;
  misses: number;
}

/** Computes one shard's cache entries elsewhere (another process) and says what it did. */
export type ShardHelper = (shard: FeatureShard) => Promise<ShardCounts>;

/** Options of a stage that can fill its feature cache in parallel. */
export interface FeatureWorkerOptions {
  /** Processes computing features on a first run, this one included (default 1: no helpers). */
  featureWorkers?: number;
  /** Starts a helper for one shard; without it, `featureWorkers` is ignored. */
  featureHelper?: ShardHelper;
}

/** The entries of `items` in `shard` (all of them without one). */
export function shardOf<T>(items: readonly T[], shard?: FeatureShard): T[] {
  return shard ? items.filter((_, i) => i % shard.count === shard.index) : [...items];
}

/** Parses `k/n` (0 <= k < n), as the helper processes receive it. */
export function parseFeatureShard(text: string): FeatureShard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!(index >= 0 && index < count)) {
    throw new IqaError(
      'INVALID_ARGUMENT',
      `Expected a feature shard "k/n" with 0 <= k < n but received ${JSON.stringify(text)}`,
    );
  }
  return { index, count };
}

/**
 * Runs `pass` over every entry. With `featureWorkers > 1` and a helper, first fills the cache in
 * parallel: this process computes shard 0 and, at its first entry not in the cache, starts the
 * helpers for the other shards (so a run whose features are cached starts none); then the full
 * pass reads from the cache. The cache's counters end as if one process had done it all: entries
 * computed by a shard pass of this run count as computed, not as cache hits.
 */
export async function shardedFeaturePass<T>(
  cache: FeatureCache,
  pass: (shard?: FeatureShard) => Promise<T>,
  options: FeatureWorkerOptions,
  warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`),
): Promise<T> {
  const n = options.featureWorkers ?? 1;
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`Expected a positive integer for featureWorkers but received ${String(n)}`);
  const helper = options.featureHelper;
  if (n === 1 || !helper) return pass();
  let helpers: Array<Promise<ShardCounts>> = [];
  cache.onMiss = () => {
    cache.onMiss = undefined;
    helpers = Array.from({ length: n - 1 }, (_, k) =>
      helper({ index: k + 1, count: n }).catch((err: unknown) => {
        warn(
          `feature helper ${k + 1}/${n} failed (${(err as Error).message}); this process computes its images instead`,
        );
        return { hits: 0, misses: 0 };
      }),
    );
  };
  const before = { hits: cache.hits, misses: cache.misses };
  try {
    await pass({ index: 0, count: n });
  } finally {
    cache.onMiss = undefined;
  }
  const computedHere = cache.misses - before.misses;
  const computedElsewhere = (await Promise.all(helpers)).reduce((s, c) => s + c.misses, 0);
  cache.hits = before.hits;
  cache.misses = before.misses;
  const result = await pass();
  cache.countAsComputed(computedHere + computedElsewhere);
  return result;
}
