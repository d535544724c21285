/**
 * NIMA: H. Talebi and P. Milanfar, "NIMA: Neural Image Assessment", IEEE Transactions on Image Processing 27(8),
 * 2018.
 *
 * NIMA predicts the distribution of human ratings over the scores 1..10 instead of one number: an ImageNet
 * backbone, global average pooling of its last feature map, dropout 0.75, a dense layer of 10 units with softmax;
 * trained with the earth mover's distance (r = 2) between the cumulative distributions of the prediction and the
 * ratings; the image's score is the distribution's mean, and its standard deviation says how much raters would
 * disagree.
 *
 * Ours (`mobilenetv2-nima`): MobileNetV2 (alpha 1.0, the nsfwjs weights of `mobilenetv2-ml`), average pooling of
 * `out_relu` (1280), dropout (0.75 in the zoo's config), dense 10 + softmax (`head_distribution`), then a
 * `DistributionMoments` layer (`score`) whose two outputs are the mean and the standard deviation over bins 1..10.
 * Where ours differs from the paper: CLIVE publishes a MOS and a standard deviation per image, not the histogram
 * of ratings NIMA was trained on (AVA, TID2013, LIVE), so the target is a normal N(MOS, std) on CLIVE's 0-100
 * scale cut into 10 equal bins (bin i covers [10(i-1), 10i)) and renormalised over [0, 100]
 * (`training/score-distribution.ts`); bin i stands for the MOS 10i - 5, so the card maps a mean m to 10m - 5 and
 * a standard deviation s to 10s. The backbone is frozen and only the head is trained (with Adam), where NIMA
 * fine-tunes the whole network with SGD; training and scoring use 224 px crops (the card's protocol), where NIMA
 * rescales to 256 and takes one random 224 crop.
 */
import * as tf from '@tensorflow/tfjs';
import { DistributionMoments } from './distribution-moments.js';
import type { HeadOptions } from './multi-level-head.js';
import { loadNsfwjsModel } from './pretrained/nsfwjs-weights.js';

/** NIMA's score bins: 1..10. */
export const NIMA_BINS = 10;
/** The layer whose output is the predicted distribution (what the EMD loss sees). */
export const NIMA_DISTRIBUTION_LAYER = 'head_distribution';
/** The tapped layer: MobileNetV2's last feature map. */
export const NIMA_TAP = 'out_relu';

/**
 * Builds mobilenetv2-nima: the pretrained MobileNetV2 (frozen) with NIMA's head. Outputs: the distribution's mean
 * and standard deviation over bins 1..10, each [N, 1].
 *
 * @example
 * const model = await buildNima({ pooling: ['avg'], hidden: 0, dropout: 0.75, seed: 1 }, 'mobilenetv2-nima');
 */
export async function buildNima(head: HeadOptions, name: string): Promise<tf.LayersModel> {
  if (head.pooling.length !== 1 || head.pooling[0] !== 'avg' || head.hidden !== 0) {
    throw new RangeError(
      `Expected NIMA's head (pooling ["avg"], hidden 0) but received pooling ${JSON.stringify(head.pooling)}, ` +
        `hidden ${head.hidden}`,
    );
  }
  const base = await loadNsfwjsModel('mobilenet_v2');
  for (const layer of base.layers) layer.trainable = false;
  let x = tf.layers
    .globalAveragePooling2d({ name: `pool_avg_${NIMA_TAP}` })
    .apply(base.getLayer(NIMA_TAP).output) as tf.SymbolicTensor;
  if (head.dropout > 0)
    x = tf.layers.dropout({ rate: head.dropout, name: 'head_dropout', seed: head.seed }).apply(x) as tf.SymbolicTensor;
  const distribution = tf.layers
    .dense({
      units: NIMA_BINS,
      activation: 'softmax',
      name: NIMA_DISTRIBUTION_LAYER,
      kernelInitializer: tf.initializers.glorotUniform({ seed: head.seed + 2 }),
    })
    .apply(x) as tf.SymbolicTensor;
  const moments = new DistributionMoments({ name: 'score' }).apply(distribution) as tf.SymbolicTensor[];
  return tf.model({ inputs: base.inputs, outputs: moments, name });
}
