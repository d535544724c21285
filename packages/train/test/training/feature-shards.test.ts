import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isIqaError } from '@iqa-zoo/core';
import { FeatureCache } from '../../src/training/feature-cache.js';
import {
  type FeatureShard,
  parseFeatureShard,
  shardOf,
  shardedFeaturePass,
} from '../../src/training/feature-shards.js';

let work: string;
beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'iqa-shards-'));
});

/** A pass over `n` entries through `cache`, as a stage's pass is: entry i's value is [i, i * i]. */
function passOver(cache: FeatureCache, n: number, computed: number[]) {
  return async (shard?: FeatureShard) => {
    const rows: number[] = [];
    for (const i of shardOf(
      Array.from({ length: n }, (_, k) => k),
      shard,
    )) {
      const v = await cache.getOrCompute({ i }, async () => {
        computed.push(i);
        return Float32Array.of(i, i * i);
      });
      rows.push(...v);
    }
    return rows;
  };
}

describe('sharded feature passes', () => {
  it('splits a list into interleaved shards that cover it once', () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    expect(shardOf(items, { index: 0, count: 2 })).toEqual(['a', 'c', 'e']);
    expect(shardOf(items, { index: 1, count: 2 })).toEqual(['b', 'd']);
    expect(shardOf(items)).toEqual(items);
    expect(parseFeatureShard('1/3')).toEqual({ index: 1, count: 3 });
    for (const bad of ['3/3', '-1/2', 'x', '1/0']) {
      const err = (() => {
        try {
          parseFeatureShard(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(isIqaError(err, 'INVALID_ARGUMENT')).toBe(true);
      expect((err as Error).message).toContain(`received "${bad}"`);
    }
  });

  it('helpers fill the cache, the full pass reads it, and the account matches one process doing it all', async () => {
    const one = new FeatureCache(path.join(work, 'one'), 'm');
    const single = await shardedFeaturePass(one, passOver(one, 7, []), {});
    const cache = new FeatureCache(path.join(work, 'three'), 'm');
    const computedHere: number[] = [];
    const computedByHelpers: number[] = [];
    const helper = async (shard: FeatureShard) => {
      const own = new FeatureCache(path.join(work, 'three'), 'm'); // a helper process has its own counters
      await passOver(own, 7, computedByHelpers)(shard);
      return { hits: own.hits, misses: own.misses };
    };
    const rows = await shardedFeaturePass(cache, passOver(cache, 7, computedHere), {
      featureWorkers: 3,
      featureHelper: helper,
    });
    expect(rows).toEqual(single);
    expect(computedHere.sort()).toEqual([0, 3, 6]);
    expect(computedByHelpers.sort()).toEqual([1, 2, 4, 5]);
    expect([cache.hits, cache.misses]).toEqual([one.hits, one.misses]);
    expect([cache.hits, cache.misses]).toEqual([0, 7]);
    // A second run finds everything cached and starts no helper.
    const again = new FeatureCache(path.join(work, 'three'), 'm');
    const started: FeatureShard[] = [];
    await shardedFeaturePass(again, passOver(again, 7, computedHere), {
      featureWorkers: 3,
      featureHelper: async (s) => {
        started.push(s);
        return helper(s);
      },
    });
    expect([again.hits, again.misses]).toEqual([7, 0]);
    expect(started).toEqual([]);
  });

  it('a failing helper costs only time: the full pass computes its entries, with a warning', async () => {
    const cache = new FeatureCache(path.join(work, 'failing'), 'm');
    const computed: number[] = [];
    const warnings: string[] = [];
    const rows = await shardedFeaturePass(
      cache,
      passOver(cache, 5, computed),
      {
        featureWorkers: 2,
        featureHelper: async () => {
          throw new Error('out of memory');
        },
      },
      (m) => warnings.push(m),
    );
    expect(rows).toEqual([0, 0, 1, 1, 2, 4, 3, 9, 4, 16]);
    expect(computed.sort()).toEqual([0, 1, 2, 3, 4]);
    expect([cache.hits, cache.misses]).toEqual([0, 5]);
    expect(warnings).toEqual(['feature helper 1/2 failed (out of memory); this process computes its images instead']);
  });

  it('without a helper, or with one worker, runs one plain pass', async () => {
    const cache = new FeatureCache(path.join(work, 'plain'), 'm');
    const shards: Array<FeatureShard | undefined> = [];
    const pass = async (shard?: FeatureShard) => {
      shards.push(shard);
      return 1;
    };
    await shardedFeaturePass(cache, pass, { featureWorkers: 4 });
    await shardedFeaturePass(cache, pass, { featureWorkers: 1, featureHelper: async () => ({ hits: 0, misses: 0 }) });
    expect(shards).toEqual([undefined, undefined]);
    await expect(shardedFeaturePass(cache, pass, { featureWorkers: 0 })).rejects.toThrow(
      'Expected a positive integer for featureWorkers but received 0',
    );
  });
});
