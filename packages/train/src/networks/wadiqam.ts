/**
 * WaDIQaM-NR: S. Bosse, D. Maniry, K.-R. Mueller, T. Wiegand and W. Samek, "Deep Neural Networks for No-Reference
 * and Full-Reference Image Quality Assessment", IEEE Transactions on Image Processing 27(1), 2018.
 *
 * A 32x32 RGB patch (core's `patchTensor`, levels in [0, 1]) -> ten 3x3 convolutions with ReLU in five VGG-style
 * pairs of 32, 64, 128, 256 and 512 filters ('same' padding), each pair followed by 2x2 max pooling -> 512 features
 * -> two branches: the patch quality (FC 512 + ReLU, dropout, FC 1) and the patch weight (FC 512 + ReLU, dropout,
 * FC 1, max(0, x) + epsilon). The image score is sum(w_i q_i) / sum(w_i) over its patches, computed by core's scorer
 * (`aggregateWeighted`, the card's `output.weight`) and by the training loss on each image's patches.
 * DIQaM-NR, the same paper's plain-average variant, is this network without the weight branch (`weighted: false`):
 * the image score is the mean of its patches' scores, and each patch trains on its image's MOS (Bosse et al.'s
 * patchwise training).
 * Where ours differs: He-uniform initialisation (the paper does not say), Adam on MOS normalised by the training
 * split (the card's output maps it back), far fewer epochs, and both branches' dropout masks are the same seeded
 * draw (the training loop's seeded dropout).
 */
import * as tf from '@tensorflow/tfjs';
import { PatchWeight } from './patch-weight.js';

/** Patch side the network takes. */
export const WADIQAM_PATCH = 32;

/** Filters of the five convolution pairs (Bosse et al., Fig. 2). */
export const WADIQAM_FILTERS = [32, 64, 128, 256, 512] as const;

export interface WadiqamOptions {
  /** Width of both branches' first FC layer (Bosse: 512). */
  hidden: number;
  /** Dropout after each branch's first FC layer (Bosse: 0.5). */
  dropout: number;
  /** Seed of the initialisers. */
  seed: number;
  /** The weight branch and the `weight` output (WaDIQaM-NR); false: the quality branch alone (DIQaM-NR). */
  weighted: boolean;
}

export const WADIQAM_DEFAULTS: WadiqamOptions = { hidden: 512, dropout: 0.5, seed: 1, weighted: true };

/**
 * Builds WaDIQaM-NR on NHWC patches `[N, 32, 32, 3]`; outputs the patch scores `score` `[N, 1]` and the patch weights
 * `weight` `[N, 1]`. Layer names: `conv1`..`conv10`, `pool1`..`pool5`, `features`, `fq1`, `fq1_dropout`, `score`,
 * `fw1`, `fw1_dropout`, `fw2`, `weight`. With `weighted: false` (DIQaM-NR) the `fw` layers and the `weight` output are
 * left out; the other layers get the same initial weights for the same seed.
 *
 * @example
 * const model = buildWadiqam({ ...WADIQAM_DEFAULTS, seed: 3 });
 * const [q, w] = model.predict(tf.zeros([64, 32, 32, 3])) as tf.Tensor[]; // each [64, 1]
 */
export function buildWadiqam(options: WadiqamOptions, name = 'wadiqam-nr'): tf.LayersModel {
  const input = tf.input({ shape: [WADIQAM_PATCH, WADIQAM_PATCH, 3], name: 'image' });
  let seed = options.seed;
  let x: tf.SymbolicTensor = input;
  let conv = 1;
  WADIQAM_FILTERS.forEach((filters, block) => {
    for (let k = 0; k < 2; k++, conv++) {
      x = tf.layers
        .conv2d({
          filters,
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
          name: `conv${conv}`,
          kernelInitializer: tf.initializers.heUniform({ seed: seed++ }),
        })
        .apply(x) as tf.SymbolicTensor;
    }
    x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `pool${block + 1}` }).apply(x) as tf.SymbolicTensor;
  });
  const features = tf.layers.flatten({ name: 'features' }).apply(x) as tf.SymbolicTensor;
  const dense = (units: number, layer: string, activation?: 'relu') =>
    tf.layers.dense({ units, activation, name: layer, kernelInitializer: tf.initializers.heUniform({ seed: seed++ }) });
  const branch = (prefix: string): tf.SymbolicTensor => {
    let h = dense(options.hidden, `${prefix}1`, 'relu').apply(features) as tf.SymbolicTensor;
    if (options.dropout > 0)
      h = tf.layers.dropout({ rate: options.dropout, name: `${prefix}1_dropout` }).apply(h) as tf.SymbolicTensor;
    return h;
  };
  const quality = dense(1, 'score').apply(branch('fq')) as tf.SymbolicTensor;
  if (!options.weighted) return tf.model({ inputs: input, outputs: quality, name });
  const raw = dense(1, 'fw2').apply(branch('fw')) as tf.SymbolicTensor;
  const weight = new PatchWeight({ name: 'weight' }).apply(raw) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [quality, weight], name });
}
