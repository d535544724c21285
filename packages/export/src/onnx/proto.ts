/**
 * The ONNX protobuf schema (onnx 1.10, IR 8) from onnx-proto, and small constructors for
 * tensors, attributes and value infos.
 */
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type { onnx as OnnxTypes } from 'onnx-proto';

/** ONNX element types used by the exporter (TensorProto.DataType). */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, FLOAT16: 10, DOUBLE: 11 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** Bytes per element of each supported data type. */
export const BYTES_PER_ELEMENT: Record<number, number> = {
  [DataType.FLOAT]: 4,
  [DataType.UINT8]: 1,
  [DataType.INT8]: 1,
  [DataType.INT32]: 4,
  [DataType.INT64]: 8,
  [DataType.FLOAT16]: 2,
  // The classic models' graphs (brisque-clive) compute in float64.
  [DataType.DOUBLE]: 8,
};

/** One attribute value: number (int when integral and `int` is set), float, ints, floats, string. */
export type AttrValue = { i: number } | { f: number } | { ints: number[] } | { floats: number[] } | { s: string };

/** Builds an `AttributeProto`. */
export function attribute(name: string, value: AttrValue): import('onnx-proto').onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('i' in value) return { name, type: T.INT, i: value.i };
  if ('f' in value) return { name, type: T.FLOAT, f: value.f };
  if ('ints' in value) return { name, type: T.INTS, ints: value.ints };
  if ('floats' in value) return { name, type: T.FLOATS, floats: value.floats };
  return { name, type: T.STRING, s: new TextEncoder().encode(value.s) };
}

/** A float32 initialiser with its data stored little-endian in `raw_data`. */
export function floatTensor(
  name: string,
  dims: readonly number[],
  data: Float32Array,
): import('onnx-proto').onnx.ITensorProto {
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData: toBytes(data) };
}

/** An int64 initialiser (shapes, axes, pads). */
export function int64Tensor(
  name: string,
  dims: readonly number[],
  data: readonly number[],
): import('onnx-proto').onnx.ITensorProto {
  return {
    name,
    dims: [...dims],
    dataType: DataType.INT64,
    rawData: toBytes(BigInt64Array.from(data, (v) => BigInt(v))),
  };
}

/** The bytes of a typed array (a view, little-endian on every platform Node and browsers run on). */
export function toBytes(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** A float32 view of a float initialiser's raw data (copied, so alignment never matters). */
export function readFloats(t: import('onnx-proto').onnx.ITensorProto): Float32Array {
  if (t.dataType !== DataType.FLOAT || !t.rawData)
    throw new TypeError(`Expected a float32 raw-data tensor for ${t.name} but received data type ${t.dataType}`);
  const copy = new Uint8Array(t.rawData);
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

/** Dimension of a value info: a fixed size, or a symbolic name such as `batch`. */
export type Dim = number | string;

/** A `ValueInfoProto` for a tensor of `elemType` and shape `dims`. */
export function valueInfo(
  name: string,
  elemType: number,
  dims: readonly Dim[],
): import('onnx-proto').onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
