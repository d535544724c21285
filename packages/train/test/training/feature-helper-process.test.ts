import { mkdirSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { build } from 'esbuild';
import { loadModel } from '../../src/io/model-files.js';
import type { FinetuneConfig, RankConfig } from '../../src/training/config.js';
import { featureHelperProcess } from '../../src/training/feature-helper-process.js';
import type { FeatureShard, ShardCounts } from '../../src/training/feature-shards.js';
import { runFinetune } from '../../src/training/stage-finetune.js';
import { runRank } from '../../src/training/stage-rank.js';
import { makeMosDataset } from './helpers.js';

// Jest runs the TypeScript sources, so the helper script is bundled first (under node_modules so
// that tfjs, sharp and the codecs resolve from it).
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const script = path.join(root, 'node_modules/.cache/iqa-zoo-test/feature-helper.mjs');

let work: string;
let data: { dir: string; csv: string };

beforeAll(async () => {
  await tf.setBackend('cpu');
  mkdirSync(path.dirname(script), { recursive: true });
  await build({
    entryPoints: [path.join(root, 'packages/train/src/cli/feature-helper.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: script,
    external: ['@tensorflow/*', 'sharp', '@cornerstonejs/*', 'nsfwjs', 'onnxruntime-*', '@iqa-zoo/image-node'],
    alias: { '@iqa-zoo/core': path.join(root, 'packages/core/src/index.ts') },
    logLevel: 'silent',
  });
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'iqa-helpers-'));
  data = await makeMosDataset(10);
});

/** The helper, recording what each helper process reported. */
function recorded(helper: (shard: FeatureShard) => Promise<ShardCounts>, into: ShardCounts[]) {
  return async (shard: FeatureShard) => {
    const counts = await helper(shard);
    into.push(counts);
    return counts;
  };
}

async function weightsOf(dir: string): Promise<Float32Array[]> {
  const model = await loadModel(dir);
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

describe('feature helper processes', () => {
  it('stage 2 with 3 feature workers trains exactly as with one, and its card counts every image computed ' +
    'once', async () => {
    const cfg = (name: string): FinetuneConfig => ({
      stage: 'finetune',
      network: 'vgg-tiny-ml',
      head: { pooling: ['avg', 'std'], hidden: 0, dropout: 0, seed: 3 },
      mos: data.csv,
      valFraction: 0.3,
      splitSeed: 1,
      cropSize: 32,
      cropsPerImage: 2,
      test: { count: 2, seed: 0 },
      loss: 'l2',
      epochs: 2,
      batchSize: 8,
      learningRate: 0.01,
      weightDecay: 0,
      seed: 5,
      cache: path.join(work, `cache-${name}`),
      out: path.join(work, name),
    });
    const single = await runFinetune(cfg('single'));
    const reports: ShardCounts[] = [];
    const helper = featureHelperProcess({ stage: 'finetune', config: cfg('sharded'), backend: 'cpu' }, script)!;
    const sharded = await runFinetune(cfg('sharded'), { featureWorkers: 3, featureHelper: recorded(helper, reports) });
    // Helpers 1/3 and 2/3 each computed their 3 or 4 of the 10 images (train and validation).
    expect(reports.map((r) => r.misses).sort()).toEqual([3, 3]);
    expect(sharded.cache).toEqual(single.cache);
    expect(sharded.cache).toEqual({ hits: 0, misses: 10 });
    expect(sharded.state.best).toEqual(single.state.best);
    const [a, b] = [
      await weightsOf(path.join(work, 'single', 'best')),
      await weightsOf(path.join(work, 'sharded', 'best')),
    ];
    a.forEach((w, i) => {
      expect(Array.from(b[i]!)).toEqual(Array.from(w));
    });
    const card = JSON.parse(await fs.readFile(path.join(work, 'sharded', 'best', 'card.json'), 'utf8'));
    expect(card.training.stages.at(-1).description).toContain('trunk features 0 images from the cache, 10 computed');
  }, 120_000);

  it('stage 1 with 2 feature workers ranks from the same features as with one', async () => {
    const cfg = (name: string): RankConfig => ({
      stage: 'rank',
      network: 'vgg-tiny-ml',
      head: { pooling: ['avg'], hidden: 0, dropout: 0, seed: 3 },
      refs: data.dir,
      set: 'live',
      types: ['gblur', 'jpeg'],
      maxRefs: 6,
      heldOut: 0.34,
      cropSize: 32,
      cropsPerRef: 1,
      refsPerBatch: 2,
      margin: 1,
      epochs: 2,
      batchSize: 24,
      learningRate: 0.02,
      weightDecay: 0,
      seed: 4,
      cache: path.join(work, `rank-cache-${name}`),
      out: path.join(work, name),
    });
    const single = await runRank(cfg('rank-single'));
    const reports: ShardCounts[] = [];
    const helper = featureHelperProcess({ stage: 'rank', config: cfg('rank-sharded'), backend: 'cpu' }, script)!;
    const sharded = await runRank(cfg('rank-sharded'), { featureWorkers: 2, featureHelper: recorded(helper, reports) });
    expect(reports).toEqual([{ hits: 0, misses: 3 }]);
    expect(sharded.cache).toEqual({ hits: 0, misses: 6 });
    expect(sharded.state.best).toEqual(single.state.best);
    const [a, b] = [
      await weightsOf(path.join(work, 'rank-single', 'best')),
      await weightsOf(path.join(work, 'rank-sharded', 'best')),
    ];
    a.forEach((w, i) => {
      expect(Array.from(b[i]!)).toEqual(Array.from(w));
    });
  }, 120_000);

  it('a helper that cannot do its job rejects with its reason; the run goes on without it', async () => {
    const helper = featureHelperProcess(
      {
        stage: 'finetune',
        config: {
          stage: 'finetune',
          network: 'vgg-tiny-ml',
          mos: path.join(work, 'missing.csv'),
        } as unknown as FinetuneConfig,
        backend: 'cpu',
      },
      script,
    )!;
    await expect(helper({ index: 1, count: 2 })).rejects.toThrow(/exited with code 1: .*missing\.csv/);
    expect(
      featureHelperProcess({ stage: 'rank', config: {} as RankConfig, backend: 'cpu' }, undefined),
    ).toBeUndefined();
  }, 60_000);
});
