/**
 * InceptionV3 with multi-level taps.
 * Szegedy et al., "Rethinking the Inception Architecture for Computer Vision", CVPR 2016.
 * Weights: the Keras InceptionV3 inside the npm package nsfwjs (MIT), ImageNet-derived and later
 * fine-tuned by nsfwjs for NSFW classification; the classifier is dropped.
 * Taps at output strides 4, 8, 16 and 32 (64, 288, 768 and 2048 channels): the stem's first
 * max-pool and the Inception blocks mixed2, mixed7 and mixed10.
 */
import type * as tf from '@tensorflow/tfjs';
import type { HeadOptions } from './multi-level-head.js';
import { buildNsfwjsNetwork } from './nsfwjs-network.js';

export const INCEPTIONV3_TAPS = ['max_pooling2d_1', 'mixed2', 'mixed7', 'mixed10'];

/** Builds inceptionv3-ml: the pretrained backbone (frozen) and a fresh multi-level head. */
export async function buildInceptionV3(head: HeadOptions, name: string): Promise<tf.LayersModel> {
  return buildNsfwjsNetwork('inception_v3', INCEPTIONV3_TAPS, head, name);
}
