/**
 * MobileNetV2 with multi-level taps.
 * Sandler et al., "MobileNetV2: Inverted Residuals and Linear Bottlenecks", CVPR 2018.
 * Weights: the Keras MobileNetV2 (alpha 1.0) inside the npm package nsfwjs (MIT), ImageNet-derived
 * and later fine-tuned by nsfwjs for NSFW classification; the classifier is dropped.
 * Taps at output strides 4, 8, 16 and 32 (24, 32, 96 and 1280 channels).
 */
import type * as tf from '@tensorflow/tfjs';
import type { HeadOptions } from './multi-level-head.js';
import { buildNsfwjsNetwork } from './nsfwjs-network.js';

export const MOBILENETV2_TAPS = ['block_2_add', 'block_5_add', 'block_12_add', 'out_relu'];

/** Builds mobilenetv2-ml: the pretrained backbone (frozen) and a fresh multi-level head. */
export async function buildMobileNetV2(head: HeadOptions, name: string): Promise<tf.LayersModel> {
  return buildNsfwjsNetwork('mobilenet_v2', MOBILENETV2_TAPS, head, name);
}
