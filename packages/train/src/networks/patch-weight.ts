/**
 * PatchWeight: WaDIQaM-NR's patch weight (Bosse et al., IEEE TIP 2018, section III-B), max(0, x) + epsilon, so that
 * every weight is positive and an image whose weights are all zero still has a defined weighted average (the plain
 * mean of its patches). Exported to ONNX as Relu then Add.
 */
import * as tf from '@tensorflow/tfjs';

/** Bosse et al.'s small constant added to the ReLU (1e-6, as lidq92/WaDIQaM's port). */
export const PATCH_WEIGHT_EPSILON = 1e-6;

/**
 * ReLU plus a small positive constant: `[N, 1]` raw weights -> positive weights.
 *
 * @example
 * new PatchWeight({ name: 'weight' }).apply(tf.tensor2d([[-1], [2]])); // [[1e-6], [2.000001]]
 */
export class PatchWeight extends tf.layers.Layer {
  static className = 'PatchWeight';
  readonly epsilon: number;

  constructor(args: { epsilon?: number; name?: string; trainable?: boolean } = {}) {
    super(args);
    const epsilon = args.epsilon ?? PATCH_WEIGHT_EPSILON;
    if (!(typeof epsilon === 'number' && Number.isFinite(epsilon) && epsilon > 0))
      throw new RangeError(`Expected a positive finite epsilon but received ${JSON.stringify(args.epsilon)}`);
    this.epsilon = epsilon;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.add(tf.relu(Array.isArray(inputs) ? inputs[0]! : inputs), this.epsilon));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(PatchWeight);
