/**
 * GlobalStdPooling2D: the per-channel standard deviation over height and width,
 * sqrt(mean((x - mean(x))^2) + epsilon). Pooled next to the average in the multi-level
 * head, it keeps how much a feature varies across the image, which is sensitive to
 * local degradations (noise, blocking) that the average washes out.
 */
import * as tf from '@tensorflow/tfjs';

export const STD_POOLING_EPSILON = 1e-6;

/** The output shape of a global pooling over height and width: `[N, H, W, C]` -> `[N, C]`. */
export function globalPoolShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
  const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  return [s[0]!, s[3]!];
}

export class GlobalStdPooling2D extends tf.layers.Layer {
  static className = 'GlobalStdPooling2D';

  constructor(args: { name?: string; trainable?: boolean } = {}) {
    super(args);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return globalPoolShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const mean = tf.mean(x, [1, 2], true);
      const variance = tf.mean(tf.square(tf.sub(x, mean)), [1, 2]);
      return tf.sqrt(tf.add(variance, STD_POOLING_EPSILON));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig() };
  }
}

tf.serialization.registerClass(GlobalStdPooling2D);
