/**
 * MobileNetV2 with multi-level taps.
 * Sandler et al., "MobileNetV2: Inverted Residuals and Linear Bottlenecks", CVPR 2018.
 * Weights: the Keras MobileNetV2 (alpha 1.0) inside the npm package nsfwjs (MIT), ImageNet-derived
 * and later fine-tuned by nsfwjs for NSFW classification; the classifier is dropped.
 * Taps at output strides 4, 8, 16 and 32 (24, 32, 96 and 1280 channels).
 */
import * as tf from '@tensorflow/tfjs';
import { type HeadOptions, multiLevelHead } from './multi-level-head.js';
import { loadNsfwjsModel } from './pretrained/nsfwjs-weights.js';

export const MOBILENETV2_TAPS = ['block_2_add', 'block_5_add', 'block_12_add', 'out_relu'];

/** Builds mobilenetv2-ml: the pretrained backbone (frozen) and a fresh multi-level head. */
export async function buildMobileNetV2(head: HeadOptions, name: string): Promise<tf.LayersModel> {
  const base = await loadNsfwjsModel('mobilenet_v2');
  const tapNames = head.taps ?? MOBILENETV2_TAPS;
  const taps = tapNames.map((t) => base.getLayer(t).output as tf.SymbolicTensor);
  for (const layer of base.layers) layer.trainable = false;
  return tf.model({ inputs: base.inputs, outputs: multiLevelHead(taps, tapNames, head), name });
}
