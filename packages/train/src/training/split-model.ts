/**
 * Splits a multi-level network at its pooled features: the frozen part (image -> concatenated
 * pooled vector) and the head (vector -> score). The head model reuses the network's own
 * layer objects, so training it trains the full network that is later exported.
 */
import * as tf from '@tensorflow/tfjs';

const HEAD_LAYERS = ['head_dropout', 'head_hidden', 'score'];

export interface SplitModel {
  /** image (NHWC) -> pooled multi-level features [N, F]. */
  features: tf.LayersModel;
  /** features [N, F] -> score [N, 1], sharing weights with the full model. */
  head: tf.LayersModel;
  featureSize: number;
}

/** Splits `model` (built by the network registry) at `ml_concat` (or its single pooling layer). */
export function splitAtFeatures(model: tf.LayersModel): SplitModel {
  const names = model.layers.map((l) => l.name);
  const pooled = names.includes('ml_concat') ? 'ml_concat' : names.find((n) => n.startsWith('pool_'));
  if (!pooled) throw new RangeError(`Expected a multi-level network with an ml_concat or pool_* layer but ${model.name} has neither`);
  const featureOut = model.getLayer(pooled).output as tf.SymbolicTensor;
  const featureSize = featureOut.shape[featureOut.shape.length - 1]!;
  const features = tf.model({ inputs: model.inputs, outputs: featureOut, name: `${model.name}_features` });
  const input = tf.input({ shape: [featureSize], name: 'features' });
  let x: tf.SymbolicTensor = input;
  for (const name of HEAD_LAYERS) if (names.includes(name)) x = model.getLayer(name).apply(x) as tf.SymbolicTensor;
  const head = tf.model({ inputs: input, outputs: x, name: `${model.name}_head` });
  return { features, head, featureSize };
}
