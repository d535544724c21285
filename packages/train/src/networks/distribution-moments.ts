/**
 * DistributionMoments: the mean and the standard deviation of a discrete score distribution over the bins
 * 1..K (NIMA's 10 bins), `[N, K]` probabilities -> two outputs `[N, 1]`: mean = sum_i p_i * i and
 * std = sqrt(sum_i p_i * (i - mean)^2). A NIMA model reports both; the exporter writes them as two ONNX outputs.
 */
import * as tf from '@tensorflow/tfjs';

/** The bin values 1..K as a float32 vector. */
export function binValues(bins: number): Float32Array {
  return Float32Array.from({ length: bins }, (_, i) => i + 1);
}

/**
 * The mean and standard deviation of each row of `p` ([N, K], rows summing to 1) over the bins 1..K, each [N, 1].
 *
 * @example
 * const [mean, std] = distributionMoments(tf.tensor2d([[0, 1, 0]])); // 2, 0
 */
export function distributionMoments(p: tf.Tensor): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const bins = p.shape[p.rank - 1]!;
    const values = tf.tensor1d(binValues(bins));
    const mean = tf.sum(tf.mul(p, values), -1, true);
    const variance = tf.sum(tf.mul(p, tf.square(tf.sub(values, mean))), -1, true);
    // relu: rounding can leave a variance a hair below 0 for a one-hot distribution.
    return [mean, tf.sqrt(tf.relu(variance))];
  });
}

export class DistributionMoments extends tf.layers.Layer {
  static className = 'DistributionMoments';

  constructor(args: { name?: string; trainable?: boolean } = {}) {
    super(args);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape[] {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [
      [s[0]!, 1],
      [s[0]!, 1],
    ];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
    return distributionMoments(Array.isArray(inputs) ? inputs[0]! : inputs);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig() };
  }
}

tf.serialization.registerClass(DistributionMoments);
