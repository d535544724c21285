/**
 * A small ONNX graph builder: unique names, nodes, initialisers and the layout bookkeeping
 * (tfjs computes NHWC, the exported graph runs NCHW; see `TensorRef.layout`).
 */
import type { onnx as O } from 'onnx-proto';
import { attribute, floatTensor, int64Tensor, type AttrValue } from '../onnx/proto.js';

/**
 * Where a tensor's axes are: `nchw` for a rank-4 image tensor held channels-first in ONNX
 * (tfjs holds it NHWC), `native` when the ONNX tensor has the tfjs element order.
 */
export type Layout = 'nchw' | 'native';

/** An ONNX tensor standing for a tfjs symbolic tensor. */
export interface TensorRef {
  name: string;
  rank: number;
  layout: Layout;
}

/** Maps a tfjs (NHWC) axis of a rank-`rank` tensor to the ONNX axis for `layout`. */
export function onnxAxis(axis: number, ref: Pick<TensorRef, 'rank' | 'layout'>): number {
  const a = axis < 0 ? axis + ref.rank : axis;
  if (a < 0 || a >= ref.rank)
    throw new RangeError(`Expected an axis in [${-ref.rank}, ${ref.rank - 1}] but received ${axis}`);
  return ref.layout === 'nchw' ? [0, 2, 3, 1][a]! : a;
}

export type Attrs = Record<string, AttrValue>;

export class GraphBuilder {
  readonly nodes: O.INodeProto[] = [];
  readonly initializers: O.ITensorProto[] = [];
  private readonly names = new Set<string>();
  private readonly constants = new Map<string, string>();

  /** `base`, or `base_1`, `base_2`, ... when taken. */
  uniqueName(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  /** Reserves a name chosen elsewhere (graph inputs). */
  reserve(name: string): void {
    if (this.names.has(name))
      throw new RangeError(`Expected a unique tensor name but received ${JSON.stringify(name)} twice`);
    this.names.add(name);
  }

  /** Adds a node with one output named after `outputBase`; returns the output name. */
  add(opType: string, inputs: string[], outputBase: string, attrs: Attrs = {}): string {
    const output = this.uniqueName(outputBase);
    this.nodes.push({
      opType,
      name: output,
      input: inputs,
      output: [output],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return output;
  }

  /** Adds a float32 initialiser and returns its name. */
  addFloat(base: string, dims: readonly number[], data: Float32Array): string {
    const name = this.uniqueName(base);
    this.initializers.push(floatTensor(name, dims, data));
    return name;
  }

  /** A shared int64 constant (axes, pads, shapes); equal values reuse one initialiser. */
  int64(base: string, dims: readonly number[], values: readonly number[]): string {
    const key = `i64:${dims.join('x')}:${values.join(',')}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.uniqueName(base);
    this.initializers.push(int64Tensor(name, dims, values));
    this.constants.set(key, name);
    return name;
  }

  /** A shared float scalar constant (shape []). */
  scalar(base: string, value: number): string {
    const key = `f32:${value}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.addFloat(base, [], Float32Array.of(value));
    this.constants.set(key, name);
    return name;
  }

  /** The tensor with its rank-4 axes moved to `layout` (one Transpose when they differ). */
  toLayout(ref: TensorRef, layout: Layout, base: string): TensorRef {
    if (ref.rank !== 4 || ref.layout === layout) return ref.rank === 4 ? ref : { ...ref, layout: 'native' };
    const perm = layout === 'nchw' ? [0, 3, 1, 2] : [0, 2, 3, 1];
    return { name: this.add('Transpose', [ref.name], `${base}/transpose`, { perm: { ints: perm } }), rank: 4, layout };
  }
}
