/**
 * Where a frozen-backbone run takes its cached features from. By default, its own trunk. With
 * `featuresFrom`, a network whose pooled taps include this one's (e.g. `mobilenetv2-sl` from
 * `mobilenetv2-ml`): the pooling is per tap, so the single-level vector is exactly a set of
 * columns of the multi-level one, and the ablation reuses the multi-level cache. With `cacheAt`,
 * its own trunk cut lower: the rows cached at that layer are the ones a later run training above
 * it reads, and the frozen layers between the cut and the pooled features run on them here. With both, the
 * other network's rows cached at `cacheAt` are pooled by its frozen layers, then this network's columns kept:
 * `mobilenetv2-nima` reads the `block_15_add` rows the default model's runs cached (`featuresFrom`
 * `{ "network": "mobilenetv2-ml", "head": { "pooling": ["avg", "std"] } }`: the pooling below the cut is part of
 * the cached rows, so of their key).
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

/** `featuresFrom` as a network name and the head options it is built with (its pooling shapes the cached rows). */
export function featuresFromSpec(
  from: string | { network: string; head?: Partial<HeadOptions> },
  head: Partial<HeadOptions>,
): { network: string; head: Partial<HeadOptions> } {
  return typeof from === 'string'
    ? { network: from, head: { ...head, taps: undefined } }
    : { network: from.network, head: { ...head, ...from.head, taps: undefined } };
}

/**
 * The trunk and top of `model` for a run of `cfg`; `output` names the layer the top's `forward` ends at (default
 * the model's first output; NIMA: its distribution).
 */
/**
 * `featuresFrom` above a cut: the other network's rows at the cut begin with the cut's feature map (its pooled taps
 * below the cut follow), so a network with no tap below the cut (NIMA) keeps the first values of each row.
 */
function cutFrom(
  model: tf.LayersModel,
  source: tf.LayersModel,
  own: SplitModel,
  network: string,
  at: { cut: string; cropSize?: number; inputShape?: [number, number] },
): FeatureSource {
  if (own.parts.length !== 1) {
    throw new RangeError(
      `Expected ${model.name} to read nothing below the cut ${at.cut} to train above it from ${network}'s rows, ` +
        `but it reads ${own.parts.length - 1} pooled tap(s) below it`,
    );
  }
  sameWeightsBelow(model, source, network, at.cut);
  const extractor = splitModel(source, at);
  const inWidth = extractor.featureSize;
  const outWidth = own.featureSize;
  return {
    own,
    extractor,
    select: async (rows) => {
      const n = rows.length / inWidth;
      const out = new Float32Array(n * outWidth);
      for (let r = 0; r < n; r++) out.set(rows.subarray(r * inWidth, r * inWidth + outWidth), r * outWidth);
      return out;
    },
  };
}

/** Throws unless every weighted layer of `model` up to `until` (all but the head without it) has `source`'s weights. */
function sameWeightsBelow(model: tf.LayersModel, source: tf.LayersModel, network: string, until?: string): void {
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
      throw new RangeError(`Expected ${network} to share layer ${layer.name} (same weights) with ${model.name}`);
    }
    if (layer.name === until) return;
  }
}

export async function featureSource(
  model: tf.LayersModel,
  cfg: {
    featuresFrom?: string | { network: string; head?: Partial<HeadOptions> };
    cacheAt?: string;
    head: Partial<HeadOptions>;
    cut?: string;
    cropSize?: number;
  },
  inputShape?: [number, number],
  output?: string,
): Promise<FeatureSource> {
  const own = splitModel(model, { cut: cfg.cut, cropSize: cfg.cropSize, inputShape, output });
  if (cfg.cacheAt !== undefined && cfg.cut !== undefined) {
    throw new RangeError(
      `Expected "cacheAt" only on a frozen-backbone run, but the config also sets "cut" (${JSON.stringify(cfg.cut)})`,
    );
  }
  if (cfg.cacheAt !== undefined && cfg.featuresFrom === undefined) {
    const extractor = splitModel(model, { cut: cfg.cacheAt, cropSize: cfg.cropSize, inputShape });
    return { own, extractor, select: (rows) => runOnRows(extractor, rows, (r) => extractor.pooled(r), POOL_CHUNK) };
  }
  if (!cfg.featuresFrom) return { own, extractor: own, select: async (rows) => rows };
  const from = featuresFromSpec(cfg.featuresFrom, cfg.head);
  const source = await getNetwork(from.network).build(from.head);
  if (cfg.cut) return cutFrom(model, source, own, from.network, { cut: cfg.cut, cropSize: cfg.cropSize, inputShape });
  // The shared layers must hold the same weights, or the columns would not be the same features.
  sameWeightsBelow(model, source, from.network);
  const sourceParts = pooledParts(source);
  const offsets = new Map<string, [number, number]>();
  let o = 0;
  for (const [name, width] of sourceParts) {
    offsets.set(name, [o, width]);
    o += width;
  }
  const ranges = pooledParts(model).map(([name, width]) => {
    const at = offsets.get(name);
    if (!at || at[1] !== width)
      throw new RangeError(`Expected ${from.network} to pool ${name} (${width} values) for ${model.name}`);
    return at;
  });
  // With `cacheAt`, the source's rows are cached at that layer and its frozen layers above it pool them first.
  const extractor = splitModel(source, { cut: cfg.cacheAt, cropSize: cfg.cropSize, inputShape });
  const pooledWidth = o;
  const outWidth = own.featureSize;
  return {
    own,
    extractor,
    select: async (cached) => {
      const rows =
        cfg.cacheAt === undefined ? cached : await runOnRows(extractor, cached, (r) => extractor.pooled(r), POOL_CHUNK);
      const inWidth = pooledWidth;
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
