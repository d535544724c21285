/**
 * Walks a tfjs LayersModel in topological order and converts every layer application with
 * its registered converter. tfjs symbolic tensors are tracked by id; nested models are
 * converted in place.
 */
import type * as tf from '@tensorflow/tfjs';
import { IqaError } from '@iqa-zoo/core';
import { converterFor, type WeightData } from '../converters/registry.js';
import type { GraphBuilder, TensorRef } from './builder.js';

/** The layer's weights by short name (`conv1/kernel:0` -> `kernel`). */
export function layerWeights(layer: tf.layers.Layer): Map<string, WeightData> {
  const values = layer.getWeights();
  const out = new Map<string, WeightData>();
  layer.weights.forEach((w, i) => {
    const short = (w.originalName || w.name).replace(/:\d+$/, '').split('/').pop()!;
    const value = values[i]!;
    out.set(short, { shape: value.shape.slice(), data: Float32Array.from(value.dataSync()) });
  });
  return out;
}

/**
 * Converts `model`, whose inputs are `inputs` (in `model.inputs` order), and returns its outputs.
 *
 * @example
 * const [score] = convertLayers(model, graph, [{ name: 'image', rank: 4, layout: 'nchw' }]);
 */
export function convertLayers(model: tf.LayersModel, graph: GraphBuilder, inputs: TensorRef[]): TensorRef[] {
  const known = new Map<number, TensorRef>();
  model.inputs.forEach((t, i) => {
    known.set(t.id, inputs[i]!);
  });
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    for (const node of layer.inboundNodes) {
      const ins = node.inputTensors.map((t) => known.get(t.id));
      if (ins.some((t) => t === undefined) || node.outputTensors.every((t) => known.has(t.id))) continue;
      const convert = converterFor(layer);
      const result = convert({
        graph,
        layer,
        config: layer.getConfig() as Record<string, unknown>,
        inputs: ins as TensorRef[],
        weights: layerWeights(layer),
        convertNested: (inner, innerInputs) => convertLayers(inner, graph, innerInputs),
      });
      const outs = Array.isArray(result) ? result : [result];
      if (outs.length !== node.outputTensors.length) {
        throw new IqaError(
          'EXPORT_INVALID',
          `Expected ${node.outputTensors.length} output(s) from the converter of ${layer.name} but received ` +
            `${outs.length}`,
        );
      }
      node.outputTensors.forEach((t, i) => {
        known.set(t.id, outs[i]!);
      });
    }
  }
  return model.outputs.map((t) => {
    const ref = known.get(t.id);
    if (!ref)
      throw new IqaError(
        'EXPORT_INVALID',
        `Output ${JSON.stringify(t.name)} of model ${JSON.stringify(model.name)} was not reached from its inputs`,
      );
    return ref;
  });
}
