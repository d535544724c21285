/**
 * Multi-level networks on the pretrained Keras backbones inside the npm package nsfwjs (MIT):
 * the backbone frozen, a fresh multi-level head on its tapped layers.
 */
import * as tf from '@tensorflow/tfjs';
import { type HeadOptions, multiLevelHead } from './multi-level-head.js';
import { type NsfwjsModelName, loadNsfwjsModel } from './pretrained/nsfwjs-weights.js';

/** Builds the network: nsfwjs `model` (frozen) with a head on `defaultTaps` (or `head.taps`). */
export async function buildNsfwjsNetwork(
  model: NsfwjsModelName,
  defaultTaps: string[],
  head: HeadOptions,
  name: string,
): Promise<tf.LayersModel> {
  const base = await loadNsfwjsModel(model);
  const tapNames = head.taps ?? defaultTaps;
  const taps = tapNames.map((t) => base.getLayer(t).output as tf.SymbolicTensor);
  for (const layer of base.layers) layer.trainable = false;
  return tf.model({ inputs: base.inputs, outputs: multiLevelHead(taps, tapNames, head), name });
}

/** The backbone's layers in forward order (everything but the head). */
export function nsfwjsBackboneLayers(model: tf.LayersModel): string[] {
  return model.layers
    .filter(
      (l) => !l.name.startsWith('pool_') && !l.name.startsWith('head_') && l.name !== 'ml_concat' && l.name !== 'score',
    )
    .map((l) => l.name);
}
