/**
 * Networks by name, as pyiqa's architecture registry: `getNetwork('vgg16-ml')`.
 * Each multi-level network `<base>-ml` also has a single-level variant `<base>-sl`
 * (last tap only) for the ablation.
 */
import type * as tf from '@tensorflow/tfjs';
import { DEFAULT_HEAD, type HeadOptions } from './multi-level-head.js';

/** Preprocessing a network expects; copied into the model card's `input`. */
export interface NetworkInputSpec {
  pixelRange: [number, number];
  mean: [number, number, number];
  std: [number, number, number];
  /** Training and test crop size. */
  cropSize: number;
  /** Smallest input side the network accepts. */
  minSize: number;
}

export interface NetworkSpec {
  name: string;
  description: string;
  backbone: string;
  input: NetworkInputSpec;
  /** Tapped layer names, shallow to deep. */
  taps: string[];
  /** Builds the model; `head` overrides the head options. */
  build(head?: Partial<HeadOptions>): Promise<tf.LayersModel>;
  /**
   * Names of the backbone layers in forward order; `freezeBelow(model, layer)` freezes the
   * layers up to and including that name.
   */
  backboneLayers(model: tf.LayersModel): string[];
  /**
   * Set for a network that predicts a score distribution (NIMA): the layer whose output is the distribution over
   * `bins` score bins (1..bins), which the EMD loss trains; the model's outputs are its mean and std.
   */
  distribution?: { layer: string; bins: number };
  /**
   * Set for a patch network with weighted-average aggregation (WaDIQaM-NR): the layer whose output is each patch's
   * weight (the model's second output); the image score is sum(w q) / sum(w) over its patches.
   */
  patchWeight?: { layer: string };
}

const registry = new Map<string, NetworkSpec>();

/** Registers a network; its single-level variant is registered too when it has several taps. */
export function registerNetwork(spec: NetworkSpec): void {
  registry.set(spec.name, spec);
  if (spec.taps.length > 1 && spec.name.endsWith('-ml')) {
    const last = spec.taps[spec.taps.length - 1]!;
    registry.set(spec.name.replace(/-ml$/, '-sl'), {
      ...spec,
      name: spec.name.replace(/-ml$/, '-sl'),
      description: `${spec.description} (single-level ablation: last tap only)`,
      taps: [last],
      build: (head) => spec.build({ ...head, taps: [last] }),
    });
  }
}

/** The registered network names, sorted. */
export function listNetworks(): string[] {
  return [...registry.keys()].sort();
}

/**
 * The network registered as `name`.
 * @throws RangeError listing the known names (and the closest one) for an unknown name.
 */
export function getNetwork(name: string): NetworkSpec {
  const spec = registry.get(name);
  if (spec) return spec;
  const known = listNetworks();
  const close = known.find((k) => k.startsWith(name.slice(0, 3)));
  throw new RangeError(
    `Expected a registered network name but received ` +
      `${JSON.stringify(name)}${close ? ` (did you mean ${JSON.stringify(close)}?)` : ''}; known: ${known.join(', ')}`,
  );
}

/** Head options with defaults filled in. */
export function headOptions(head?: Partial<HeadOptions>): HeadOptions {
  return { ...DEFAULT_HEAD, ...head };
}
