/**
 * Layer converters keyed by tfjs class name, as tfjs keys its kernels by op name:
 * `registerConverter('Conv2D', convertConv2D)`. An unregistered class fails the export with
 * the layer's name, its class and the supported classes.
 */
import type * as tf from '@tensorflow/tfjs';
import { IqaError } from '@iqa-zoo/core';
import type { GraphBuilder, TensorRef } from '../graph/builder.js';

/** A layer weight as plain data, keyed by its short name (`kernel`, `bias`, `gamma`, ...). */
export interface WeightData {
  shape: number[];
  data: Float32Array;
}

/** What a converter sees: the layer, its config and weights, its inputs, and the graph to add to. */
export interface ConvertContext {
  graph: GraphBuilder;
  layer: tf.layers.Layer;
  /** `layer.getConfig()`: camelCase keys as tfjs serialises them. */
  config: Record<string, unknown>;
  inputs: TensorRef[];
  /** The layer's weights by short name. */
  weights: Map<string, WeightData>;
  /** Converts a nested LayersModel used as a layer (set by the exporter). */
  convertNested(model: tf.LayersModel, inputs: TensorRef[]): TensorRef[];
}

/** Converts one application of a layer; returns its output(s). */
export type LayerConverter = (ctx: ConvertContext) => TensorRef | TensorRef[];

const converters = new Map<string, LayerConverter>();

/**
 * Registers (or replaces) the converter for a tfjs layer class.
 *
 * @example
 * registerConverter('MyScale', (ctx) => ({
 *   ...ctx.inputs[0]!,
 *   name: ctx.graph.add('Mul', [ctx.inputs[0]!.name, ctx.graph.scalar('k', 2)], ctx.layer.name),
 * }));
 */
export function registerConverter(className: string, converter: LayerConverter): void {
  converters.set(className, converter);
}

/** The tfjs layer classes the exporter can convert, sorted. */
export function supportedLayers(): string[] {
  return [...converters.keys()].sort();
}

/**
 * The converter for `layer`'s class.
 * @throws IqaError('UNSUPPORTED_LAYER') naming the layer, its class and the supported classes.
 */
export function converterFor(layer: tf.layers.Layer): LayerConverter {
  const className = layer.getClassName();
  const converter = converters.get(className);
  if (converter) return converter;
  throw new IqaError(
    'UNSUPPORTED_LAYER',
    `Cannot export layer ${JSON.stringify(layer.name)} of class ${className}: no ONNX converter is registered for ` +
      `it. Supported classes: ${supportedLayers().join(', ')}`,
  );
}

/** The named weight of the layer being converted. */
export function weight(ctx: ConvertContext, name: string): WeightData {
  const w = ctx.weights.get(name);
  if (!w) {
    throw new IqaError(
      'EXPORT_INVALID',
      `Expected a weight named ${JSON.stringify(name)} in layer ${JSON.stringify(ctx.layer.name)} but it has ` +
        `${[...ctx.weights.keys()].join(', ') || 'none'}`,
    );
  }
  return w;
}

/** The only input of a single-input layer. */
export function single(ctx: ConvertContext): TensorRef {
  if (ctx.inputs.length !== 1) {
    throw new IqaError(
      'EXPORT_INVALID',
      `Expected 1 input for layer ${JSON.stringify(ctx.layer.name)} but received ${ctx.inputs.length}`,
    );
  }
  return ctx.inputs[0]!;
}

/** Throws UNSUPPORTED_LAYER for a config value the converter does not handle. */
export function unsupported(ctx: ConvertContext, what: string, value: unknown): never {
  throw new IqaError(
    'UNSUPPORTED_LAYER',
    `Cannot export layer ${JSON.stringify(ctx.layer.name)} of class ${ctx.layer.getClassName()}: unsupported ${what} ` +
      `${JSON.stringify(value)}`,
  );
}
