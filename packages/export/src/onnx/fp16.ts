/**
 * The float16 variant of a graph: float initialisers stored as float16 and every op computing
 * in float16, with a Cast after the float32 input and one before the float32 output, as
 * transformers.js' `model_fp16.onnx` files.
 */
import type { onnx as O } from 'onnx-proto';
import { DataType, readFloats, toBytes } from './proto.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits of `value`, rounded to nearest even (overflow -> infinity). */
export function toHalfBits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rest > mid || (rest === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** Float32 values as float16 bytes. */
export function toHalfBytes(data: Float32Array): Uint8Array {
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = toHalfBits(data[i]!);
  return toBytes(out);
}

function cast(from: string, to: string, type: number): O.INodeProto {
  return {
    opType: 'Cast',
    name: `cast/${to}`,
    input: [from],
    output: [to],
    attribute: [{ name: 'to', type: 2, i: type }],
  };
}

/**
 * A float16 copy of a float32 graph with float32 inputs and outputs.
 *
 * @example
 * const half = toFp16(graph); // initialisers FLOAT16, Cast nodes at the edges
 */
export function toFp16(graph: O.IGraphProto): O.IGraphProto {
  const initializer = (graph.initializer ?? []).map((t) =>
    t.dataType === DataType.FLOAT ? { ...t, dataType: DataType.FLOAT16, rawData: toHalfBytes(readFloats(t)) } : t,
  );
  const inputs = new Map((graph.input ?? []).map((v) => [v.name!, `${v.name}_fp16`]));
  const outputs = new Map((graph.output ?? []).map((v) => [v.name!, `${v.name}_fp16`]));
  const castIn = [...inputs].map(([from, to]) => cast(from, to, DataType.FLOAT16));
  const castOut = [...outputs].map(([to, from]) => cast(from, to, DataType.FLOAT));
  const node = (graph.node ?? []).map((n) => ({
    ...n,
    input: (n.input ?? []).map((i) => inputs.get(i) ?? outputs.get(i) ?? i),
    output: (n.output ?? []).map((o) => outputs.get(o) ?? o),
  }));
  return { ...graph, node: [...castIn, ...node, ...castOut], initializer };
}
