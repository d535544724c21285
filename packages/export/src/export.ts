/**
 * tfjs LayersModel -> ONNX ModelProto (opset 17, NCHW input with dynamic batch, height and width).
 */
import type * as tf from '@tensorflow/tfjs';
import type { onnx as O } from 'onnx-proto';
import { CARD_METADATA_KEY, IqaError } from '@iqa-zoo/core';
import { GraphBuilder, type TensorRef } from './graph/builder.js';
import { convertLayers } from './graph/convert.js';
import { foldBatchNorm } from './graph/fold.js';
import { foldPadIntoConv, protectPadBeforeMaxPool } from './graph/fold-pad.js';
import { validateModelProto } from './graph/validate.js';
import { cardForMetadata } from './metadata.js';
import { DataType, onnx, valueInfo, type Dim } from './onnx/proto.js';
import { toFp16 } from './onnx/fp16.js';
import { PRODUCER_NAME, PRODUCER_VERSION } from './producer.js';
import './converters/index.js';

export interface ExportOptions {
  /** Model card stored in `metadata_props` (without its `files` field). */
  card?: object;
  /** ONNX input name (default `image`). */
  inputName?: string;
  /** ONNX output name (default `score`). */
  outputName?: string;
  /**
   * ONNX names of the model's further outputs, in `model.outputs` order after the first (which is `outputName`),
   * e.g. `['std']` for NIMA's standard deviation; required when the model has more than one output.
   */
  extraOutputNames?: string[];
  /** ONNX opset, 13 to 17 (default 17). */
  opset?: number;
  /** Weights and compute in float16 with float32 input and output (default false). */
  fp16?: boolean;
  /** Fold BatchNormalization into the preceding Conv/Gemm and zero padding into the next Conv (default true). */
  fold?: boolean;
}

/** The opsets whose operator signatures the converters use (ReduceMean takes `axes` as an attribute until 18). */
export const SUPPORTED_OPSETS = [13, 14, 15, 16, 17] as const;

function inputDims(shape: tf.Shape, name: string): { dims: Dim[]; ref: TensorRef } {
  const dims = shape.map((d, i) =>
    d === null || d === undefined ? (['batch', 'height', 'width', 'channels'][i] ?? `dim${i}`) : d,
  );
  if (shape.length === 4) {
    const [n, h, w, c] = dims as [Dim, Dim, Dim, Dim];
    return { dims: [n, c, h, w], ref: { name, rank: 4, layout: 'nchw' } };
  }
  return { dims, ref: { name, rank: shape.length, layout: 'native' } };
}

function outputDims(shape: tf.Shape, ref: TensorRef): Dim[] {
  const dims = shape.map((d, i) => (d === null || d === undefined ? (i === 0 ? 'batch' : `out_dim${i}`) : d));
  return ref.rank === 4 && ref.layout === 'nchw' ? [dims[0]!, dims[3]!, dims[1]!, dims[2]!] : dims;
}

/** Renames tensor `from` to `to` everywhere in `nodes`. */
function rename(nodes: O.INodeProto[], from: string, to: string): void {
  for (const n of nodes) {
    n.input = (n.input ?? []).map((i) => (i === from ? to : i));
    n.output = (n.output ?? []).map((o) => (o === from ? to : o));
  }
}

function checkOptions(options: ExportOptions): Required<Omit<ExportOptions, 'card' | 'extraOutputNames'>> {
  const opset = options.opset ?? 17;
  if (!(SUPPORTED_OPSETS as readonly number[]).includes(opset)) {
    throw new RangeError(
      `Expected one of ${SUPPORTED_OPSETS.join(', ')} for opset but received ${JSON.stringify(options.opset)}`,
    );
  }
  const inputName = options.inputName ?? 'image';
  const outputName = options.outputName ?? 'score';
  for (const [key, value] of [
    ['inputName', inputName],
    ['outputName', outputName],
  ] as const) {
    if (typeof value !== 'string' || value.length === 0)
      throw new TypeError(`Expected a non-empty string for ${key} but received ${JSON.stringify(value)}`);
  }
  if (inputName === outputName)
    throw new RangeError(`Expected outputName to differ from inputName but both are ${JSON.stringify(inputName)}`);
  return { opset, inputName, outputName, fp16: options.fp16 ?? false, fold: options.fold ?? true };
}

/**
 * Converts a tfjs LayersModel to an ONNX ModelProto object (validated, not yet encoded).
 *
 * @example
 * const proto = toModelProto(model, { card });
 * proto.graph.node.length; // nodes after folding
 * @throws IqaError('UNSUPPORTED_LAYER') for a layer class without converter; IqaError('EXPORT_INVALID') for a malformed
 * graph.
 */
export function toModelProto(model: tf.LayersModel, options: ExportOptions = {}): O.ModelProto {
  const opts = checkOptions(options);
  const outputNames = [opts.outputName, ...(options.extraOutputNames ?? [])];
  if (model.inputs.length !== 1 || model.outputs.length !== outputNames.length) {
    throw new IqaError(
      'EXPORT_INVALID',
      `Expected a model with 1 input and ${outputNames.length} output(s) (${outputNames.join(', ')}) ` +
        `but ${JSON.stringify(model.name)} has ${model.inputs.length} and ${model.outputs.length}`,
    );
  }
  if (new Set([opts.inputName, ...outputNames]).size !== outputNames.length + 1)
    throw new RangeError(`Expected distinct input and output names but received ${JSON.stringify(outputNames)}`);
  const g = new GraphBuilder();
  g.reserve(opts.inputName);
  const input = inputDims(model.inputs[0]!.shape, opts.inputName);
  const results = convertLayers(model, g, [input.ref]);
  results.forEach((result, i) => {
    const wanted = outputNames[i]!;
    let outName = result.name;
    if (outName === opts.inputName) outName = g.add('Identity', [outName], wanted);
    if (g.nodes.some((n) => n.output?.includes(wanted)) && outName !== wanted) {
      throw new RangeError(
        `Expected output name ${JSON.stringify(wanted)} to differ from the model's layer names but it names one`,
      );
    }
    rename(g.nodes, outName, wanted);
  });
  if (opts.fold) {
    foldBatchNorm(g.nodes, g.initializers, outputNames);
    foldPadIntoConv(g.nodes, g.initializers, outputNames);
  }
  protectPadBeforeMaxPool(g.nodes, g.initializers);

  let graph: O.IGraphProto = {
    name: model.name,
    node: g.nodes,
    initializer: g.initializers,
    input: [valueInfo(opts.inputName, DataType.FLOAT, input.dims)],
    output: outputNames.map((name, i) =>
      valueInfo(name, DataType.FLOAT, outputDims(model.outputs[i]!.shape, results[i]!)),
    ),
  };
  if (opts.fp16) graph = toFp16(graph);
  const metadataProps =
    options.card === undefined ? [] : [{ key: CARD_METADATA_KEY, value: cardForMetadata(options.card) }];
  const proto = onnx.ModelProto.fromObject({
    irVersion: 8,
    opsetImport: [{ domain: '', version: opts.opset }],
    producerName: PRODUCER_NAME,
    producerVersion: PRODUCER_VERSION,
    docString: `Exported from the tfjs model ${model.name}`,
    graph,
    metadataProps,
  });
  validateModelProto(proto);
  return proto;
}

/**
 * Exports a tfjs LayersModel as ONNX ModelProto bytes.
 *
 * @example
 * const bytes = await exportOnnx(model, { card });
 * await fs.writeFile('model.onnx', bytes);
 */
export async function exportOnnx(model: tf.LayersModel, options: ExportOptions = {}): Promise<Uint8Array> {
  return onnx.ModelProto.encode(toModelProto(model, options)).finish();
}
