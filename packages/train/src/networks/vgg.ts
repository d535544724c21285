/**
 * VGG-style backbones with multi-level taps.
 * Simonyan and Zisserman, "Very Deep Convolutional Networks for Large-Scale Image Recognition", ICLR 2015;
 * RankIQA (Liu et al., ICCV 2017) uses VGG16; the multi-level taps follow "Learning from Rankings with
 * Multi-level Features for NR-IQA".
 */
import * as tf from '@tensorflow/tfjs';
import { type HeadOptions, multiLevelHead } from './multi-level-head.js';

export interface VggConfig {
  /** Filters per block; each block is `convsPerBlock[i]` 3x3 convs + ReLU, then 2x2 max pooling. */
  filters: number[];
  convsPerBlock: number[];
  /** 1-based block numbers whose (pooled) output is tapped. */
  taps: number[];
}

export const VGG16: VggConfig = { filters: [64, 128, 256, 512, 512], convsPerBlock: [2, 2, 3, 3, 3], taps: [3, 4, 5] };
export const VGG_SMALL: VggConfig = { filters: [16, 32, 64, 96], convsPerBlock: [1, 1, 2, 2], taps: [2, 3, 4] };
export const VGG_TINY: VggConfig = { filters: [4, 8, 8], convsPerBlock: [1, 1, 1], taps: [2, 3] };

/**
 * Builds a VGG-style multi-level network taking NHWC images of any size (>= 2^blocks).
 * Layer names follow Keras' VGG16: `block{b}_conv{c}`, `block{b}_pool`.
 */
export function buildVgg(config: VggConfig, head: HeadOptions, name: string): tf.LayersModel {
  const input = tf.input({ shape: [null, null, 3], name: 'image' });
  let x: tf.SymbolicTensor = input;
  const taps: tf.SymbolicTensor[] = [];
  const tapNames: string[] = [];
  config.filters.forEach((filters, i) => {
    const b = i + 1;
    for (let c = 1; c <= config.convsPerBlock[i]!; c++) {
      x = tf.layers
        .conv2d({
          filters,
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
          name: `block${b}_conv${c}`,
          kernelInitializer: tf.initializers.heNormal({ seed: head.seed * 1000 + b * 10 + c }),
        })
        .apply(x) as tf.SymbolicTensor;
    }
    x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `block${b}_pool` }).apply(x) as tf.SymbolicTensor;
    if (config.taps.includes(b) && (!head.taps || head.taps.includes(`block${b}`))) {
      taps.push(x);
      tapNames.push(`block${b}`);
    }
  });
  if (taps.length === 0)
    throw new RangeError(
      `Expected taps among ${config.taps.map((t) => `block${t}`).join(', ')} but received ${head.taps?.join(', ')}`,
    );
  return tf.model({ inputs: input, outputs: multiLevelHead(taps, tapNames, head), name });
}
