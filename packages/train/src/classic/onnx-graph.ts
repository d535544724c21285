/**
 * A minimal ONNX graph writer for the classic models: auto-named nodes, float64, float32 and int64 constants, and the
 * encoded ModelProto (opset 17, IR 8). The deep models use @iqa-zoo/export's builder; this one needs float64
 * constants and no tfjs.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type NodeProto = import('onnx-proto').onnx.INodeProto;
type TensorProto = import('onnx-proto').onnx.ITensorProto;
type AttributeProto = import('onnx-proto').onnx.IAttributeProto;

export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;
export const ONNX_DOUBLE = 11;

/** An attribute value: an integer, a list of integers or a string. */
export type Attr = { i: number } | { ints: number[] } | { s: string };

export class OnnxGraph {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly names = new Set<string>();
  private readonly constants = new Map<string, string>();

  private unique(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  /** Adds a node with one output named after `base`; returns the output name. */
  op(opType: string, inputs: string[], base: string, attrs: Record<string, Attr> = {}): string {
    const output = this.unique(base);
    const T = onnx.AttributeProto.AttributeType;
    const attribute: AttributeProto[] = Object.entries(attrs).map(([name, v]) =>
      'i' in v
        ? { name, type: T.INT, i: v.i }
        : 'ints' in v
          ? { name, type: T.INTS, ints: v.ints }
          : { name, type: T.STRING, s: new TextEncoder().encode(v.s) },
    );
    this.nodes.push({ opType, name: output, input: inputs, output: [output], attribute });
    return output;
  }

  /** A float64 initialiser of shape `dims` (a scalar when `dims` is empty); equal scalars share one. */
  double(base: string, values: ArrayLike<number>, dims: number[] = []): string {
    return this.real(ONNX_DOUBLE, base, values, dims);
  }

  /** A float32 initialiser of shape `dims` (a scalar when `dims` is empty); equal scalars share one. */
  float(base: string, values: ArrayLike<number>, dims: number[] = []): string {
    return this.real(ONNX_FLOAT, base, values, dims);
  }

  private real(dataType: number, base: string, values: ArrayLike<number>, dims: number[]): string {
    const key = dims.length === 0 ? `f${dataType === ONNX_DOUBLE ? 64 : 32}:${values[0]}` : undefined;
    if (key && this.constants.has(key)) return this.constants.get(key)!;
    const name = this.unique(base);
    const data = (dataType === ONNX_DOUBLE ? Float64Array : Float32Array).from(values as ArrayLike<number>);
    this.initializers.push({ name, dims, dataType, rawData: new Uint8Array(data.buffer) });
    if (key) this.constants.set(key, name);
    return name;
  }

  /** An int64 vector initialiser (axes, starts, ends); equal vectors share one. */
  int64(values: number[]): string {
    const key = `i64:${values.join(',')}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.unique(
      `i64_${values
        .map((v) => (v < 0 ? `m${-v}` : v))
        .join('_')
        .slice(0, 40)}`,
    );
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    this.initializers.push({ name, dims: [values.length], dataType: ONNX_INT64, rawData: new Uint8Array(data.buffer) });
    this.constants.set(key, name);
    return name;
  }

  /** `x[start:end]` along `axis` (`end` may be negative, counted from the end, or omitted for "to the end"). */
  slice(x: string, axis: number, start: number, end: number | undefined, base: string): string {
    return this.op(
      'Slice',
      [x, this.int64([start]), this.int64([end ?? Number.MAX_SAFE_INTEGER]), this.int64([axis])],
      base,
    );
  }

  /** The graph as an encoded ModelProto with one input and one output. */
  encode(options: {
    name: string;
    input: { name: string; elemType: number; dims: Array<number | string> };
    output: { name: string; elemType: number; dims: Array<number | string> };
    metadata?: Record<string, string>;
    producerName: string;
    producerVersion?: string;
  }): Uint8Array {
    const info = (v: { name: string; elemType: number; dims: Array<number | string> }) => ({
      name: v.name,
      type: {
        tensorType: {
          elemType: v.elemType,
          shape: { dim: v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
        },
      },
    });
    const proto = onnx.ModelProto.create({
      irVersion: 8,
      producerName: options.producerName,
      producerVersion: options.producerVersion ?? '0.1.0',
      opsetImport: [{ domain: '', version: 17 }],
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: options.name,
        node: this.nodes,
        initializer: this.initializers,
        input: [info(options.input)],
        output: [info(options.output)],
      },
    });
    return onnx.ModelProto.encode(proto).finish();
  }
}
