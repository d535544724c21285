/**
 * Where a frozen-backbone run takes its cached features from. By default, its own trunk. With
 * `featuresFrom`, a network whose pooled taps include this one's (e.g. `mobilenetv2-sl` from
 * `mobilenetv2-ml`): the pooling is per tap, so the single-level vector is exactly a set of
 * columns of the multi-level one, and the ablation reuses the multi-level cache. With `cacheAt`,
 * its own trunk cut lower: the rows cached at that layer are the ones a later run training above
 * it reads, and the frozen layers between the cut and the pooled features run on them here.
 */
import type * as tf from '@tensorflow/tfjs';
import { getNetwork } from '../networks/index.js';
import type { HeadOptions } from '../networks/multi-level-head.js';
import { type SplitModel, runOnRows, splitModel } from './split-model.js';

export interface FeatureSource {
  /** The trained model's own split: its top trains on the selected rows. */
  own: SplitModel;
  /** The split whose trunk computes (and keys) the cached rows (`own` unless `featuresFrom`). */
  extractor: SplitModel;
  /** Maps extractor rows to the trained model's rows. */
  select: (rows: Float32Array) => Promise<Float32Array>;
}

/** Rows per tensor when running the frozen layers above `cacheAt` (bounds the wasm heap). */
const POOL_CHUNK = 64;

/** The pooled vectors concatenated before the head, as [layer name, width] in order. */
function pooledParts(model: tf.LayersModel): Array<[string, number]> {
  const names = model.layers.map((l) => l.name);
  const layers = names.includes('ml_concat')
    ? (model.getLayer('ml_concat') as unknown as { inboundNodes: Array<{ inboundLayers: tf.layers.Layer[] }> })
        .inboundNodes[0]!.inboundLayers
    : [model.getLayer(names.find((n) => n.startsWith('pool_'))!)];
  return layers.map((l) => {
    const shape = l.outputShape as number[];
    return [l.name, shape[shape.length - 1]!];
  });
}

export async function featureSource(
  model: tf.LayersModel,
  cfg: { featuresFrom?: string; cacheAt?: string; head: Partial<HeadOptions>; cut?: string; cropSize?: number },
  inputShape?: [number, number],
): Promise<FeatureSource> {
  const own = splitModel(model, { cut: cfg.cut, cropSize: cfg.cropSize, inputShape });
  if (cfg.cacheAt !== undefined) {
    if (cfg.cut !== undefined || cfg.featuresFrom !== undefined) {
      throw new RangeError(
        `Expected "cacheAt" only on a frozen-backbone run of the network's own features, but the config also sets ${cfg.cut !== undefined ? `"cut" (${JSON.stringify(cfg.cut)})` : `"featuresFrom" (${JSON.stringify(cfg.featuresFrom)})`}`,
      );
    }
    const extractor = splitModel(model, { cut: cfg.cacheAt, cropSize: cfg.cropSize, inputShape });
    return { own, extractor, select: (rows) => runOnRows(extractor, rows, (r) => extractor.pooled(r), POOL_CHUNK) };
  }
  if (!cfg.featuresFrom) return { own, extractor: own, select: async (rows) => rows };
  if (cfg.cut)
    throw new RangeError(
      `Expected no "cut" with "featuresFrom" (pooled features only) but received ${JSON.stringify(cfg.cut)}`,
    );
  const source = await getNetwork(cfg.featuresFrom).build({ ...cfg.head, taps: undefined });
  // The shared layers must hold the same weights, or the columns would not be the same features.
  for (const layer of model.layers) {
    if (layer.weights.length === 0 || layer.name.startsWith('head_') || layer.name === 'score') continue;
    const twin = source.layers.find((l) => l.name === layer.name);
    const a = layer.getWeights();
    const b = twin?.getWeights() ?? [];
    const same = (x: tf.Tensor, y: tf.Tensor): boolean => {
      const p = x.dataSync();
      const q = y.dataSync();
      return p.length === q.length && p.every((v, k) => v === q[k]);
    };
    if (a.length !== b.length || a.some((w, i) => !same(w, b[i]!))) {
      throw new RangeError(
        `Expected ${cfg.featuresFrom} to share layer ${layer.name} (same weights) with ${model.name}`,
      );
    }
  }
  const from = pooledParts(source);
  const offsets = new Map<string, [number, number]>();
  let o = 0;
  for (const [name, width] of from) {
    offsets.set(name, [o, width]);
    o += width;
  }
  const ranges = pooledParts(model).map(([name, width]) => {
    const at = offsets.get(name);
    if (!at || at[1] !== width)
      throw new RangeError(`Expected ${cfg.featuresFrom} to pool ${name} (${width} values) for ${model.name}`);
    return at;
  });
  const extractor = splitModel(source, { cropSize: cfg.cropSize, inputShape });
  const inWidth = extractor.featureSize;
  const outWidth = own.featureSize;
  return {
    own,
    extractor,
    select: async (rows) => {
      const n = rows.length / inWidth;
      const out = new Float32Array(n * outWidth);
      for (let r = 0; r < n; r++) {
        let dst = r * outWidth;
        for (const [start, width] of ranges) {
          out.set(rows.subarray(r * inWidth + start, r * inWidth + start + width), dst);
          dst += width;
        }
      }
      return out;
    },
  };
}
