/**
 * Static int8 quantization of a float32 graph in QDQ form, as onnxruntime's `quantize_static`
 * writes it (`QuantFormat.QDQ`, Krishnamoorthi, "Quantizing deep convolutional networks for
 * efficient inference", 2018): each Conv reads its activation through QuantizeLinear ->
 * DequantizeLinear (uint8 or int8, asymmetric, range from calibration), its weights as int8
 * per output channel (symmetric) and its bias as int32 (scale = input scale x weight scale), and
 * its output goes through Q -> DQ when an int8 op reads it; an Add of two int8 ops' outputs is int8
 * too. onnxruntime fuses these groups into QLinearConv / QLinearAdd. A ReLU6 (Clip) or Relu right
 * after a Conv is folded into the Conv's output Q, whose calibrated range lies inside the clip's.
 * Float readers (the pooling of the taps) read the float tensor: the head sees no activation rounding.
 * The head (Gemm) stays float: quantizing its output would quantize the score itself.
 */
import { IqaError } from '@iqa-zoo/core';
import type { onnx as O } from 'onnx-proto';
import { DataType, readFloats, toBytes } from '../onnx/proto.js';

/** The calibrated [min, max] of a float tensor. */
export type TensorRange = readonly [number, number];

export interface QuantizeOptions {
  /** Element type of quantized activations (default `uint8`, onnxruntime's fast path on x86 with int8 weights). */
  activations?: 'uint8' | 'int8';
}

interface QParams {
  scale: number;
  zeroPoint: number;
}

/** Scale and zero point that map `[min(lo, 0), max(hi, 0)]` onto the type's 256 levels (0 exactly representable). */
export function activationParams([lo, hi]: TensorRange, type: 'uint8' | 'int8'): QParams {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi)
    throw new RangeError(`Expected a finite range [min, max] with min <= max but received [${lo}, ${hi}]`);
  const min = Math.min(lo, 0);
  const max = Math.max(hi, 0);
  const scale = max - min > 1e-12 ? (max - min) / 255 : 1;
  const qmin = type === 'uint8' ? 0 : -128;
  const zeroPoint = Math.min(qmin + 255, Math.max(qmin, Math.round(qmin - min / scale)));
  return { scale, zeroPoint };
}

/**
 * Int8 weights per output channel (axis 0), symmetric in [-127, 127].
 *
 * @example
 * quantizePerChannel(Float32Array.of(0.5, -1, 2, 4), 2);
 * // { q: Int8Array [64, -127, 64, 127], scales: [1/127, 4/127] }
 */
export function quantizePerChannel(w: Float32Array, channels: number): { q: Int8Array; scales: Float32Array } {
  if (!Number.isInteger(channels) || channels < 1 || w.length % channels !== 0) {
    throw new RangeError(`Expected a channel count dividing ${w.length} weights but received ${channels}`);
  }
  const per = w.length / channels;
  const q = new Int8Array(w.length);
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    let amax = 0;
    for (let i = c * per; i < (c + 1) * per; i++) amax = Math.max(amax, Math.abs(w[i]!));
    const s = amax > 0 ? amax / 127 : 1;
    scales[c] = s;
    for (let i = c * per; i < (c + 1) * per; i++) q[i] = Math.max(-127, Math.min(127, Math.round(w[i]! / s)));
  }
  return { q, scales };
}

function tensor(name: string, dims: number[], dataType: number, data: ArrayBufferView): O.ITensorProto {
  return { name, dims, dataType, rawData: toBytes(data) };
}

function scalarOf(inits: Map<string, O.ITensorProto>, name: string | undefined): number | undefined {
  if (!name) return undefined;
  const t = inits.get(name);
  if (!t || t.dataType !== DataType.FLOAT || (t.dims ?? []).some((d) => Number(d) !== 1)) return undefined;
  const v = readFloats(t);
  return v.length === 1 ? v[0] : undefined;
}

/** The tensors whose ranges `quantizeQdq` needs, before Clip folding: what to calibrate. */
export function tensorsToCalibrate(graph: O.IGraphProto): string[] {
  const names = new Set<string>();
  for (const n of graph.node ?? []) {
    if (n.opType === 'Conv' || n.opType === 'Clip' || n.opType === 'Relu' || n.opType === 'Add') {
      if (n.opType === 'Conv') names.add(n.input![0]!);
      names.add(n.output![0]!);
    }
  }
  return [...names];
}

/**
 * The QDQ int8 copy of a float32 model, given the calibrated range of each tensor that
 * `tensorsToCalibrate` names. Needs opset 13 or later (per-channel DequantizeLinear).
 *
 * @example
 * const ranges = await calibrateRanges(model, batches);
 * const q8 = quantizeQdq(model, ranges); // Conv weights int8, activations uint8
 * @throws IqaError('EXPORT_INVALID') when a tensor to quantize has no range or a Conv weight is not an initialiser.
 */
export function quantizeQdq(
  model: O.IModelProto,
  ranges: ReadonlyMap<string, TensorRange>,
  options: QuantizeOptions = {},
): O.IModelProto {
  const type = options.activations ?? 'uint8';
  if (type !== 'uint8' && type !== 'int8')
    throw new RangeError(`Expected one of "uint8", "int8" for activations but received ${JSON.stringify(type)}`);
  const opset = Number((model.opsetImport ?? []).find((o) => (o.domain ?? '') === '')?.version ?? 0);
  if (opset < 13)
    throw new RangeError(
      `Expected a model with opset 13 or later (per-channel DequantizeLinear) but received opset ${opset}`,
    );
  const graph = model.graph!;
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name!, t]));
  const outputs = new Set((graph.output ?? []).map((o) => o.name!));
  let nodes = (graph.node ?? []).map((n) => ({ ...n, input: [...(n.input ?? [])], output: [...(n.output ?? [])] }));
  const consumers = (name: string) => nodes.filter((n) => n.input.includes(name));
  const range = (name: string): TensorRange => {
    const r = ranges.get(name);
    if (!r)
      throw new IqaError(
        'EXPORT_INVALID',
        `Expected a calibrated range for tensor ${JSON.stringify(name)} but the calibration has none (${ranges.size} ` +
          `ranges given)`,
      );
    return r;
  };

  // The ops that compute in int8: every Conv, and each Add whose inputs come from such ops.
  const producer = new Map(nodes.flatMap((n) => n.output.map((o) => [o, n] as const)));
  const fromQuantized = (t: string): boolean => {
    let p = producer.get(t);
    if ((p?.opType === 'Clip' || p?.opType === 'Relu') && producer.get(p.input[0]!)?.opType === 'Conv')
      p = producer.get(p.input[0]!);
    return p !== undefined && quantOps.has(p);
  };
  const quantOps = new Set<O.INodeProto>();
  for (const n of nodes) {
    if (n.opType === 'Conv' || (n.opType === 'Add' && n.input.length === 2 && n.input.every(fromQuantized)))
      quantOps.add(n);
  }

  // Fold Conv -> Clip (ReLU6) or Relu into the Conv's output quantization, keeping the clip's bounds, when
  // only int8 ops read the clip's output (a float reader, e.g. the pooling of a tap, keeps the Clip).
  const clipped = new Map<string, TensorRange>();
  const removed = new Set<O.INodeProto>();
  for (const conv of nodes.filter((n) => n.opType === 'Conv')) {
    const out = conv.output[0]!;
    const users = consumers(out);
    const clip = users[0];
    if (
      users.length !== 1 ||
      (clip?.opType !== 'Clip' && clip?.opType !== 'Relu') ||
      clip.input[0] !== out ||
      outputs.has(out)
    )
      continue;
    const clipUsers = consumers(clip.output[0]!);
    if (clipUsers.length === 0 || !clipUsers.every((c) => quantOps.has(c)) || outputs.has(clip.output[0]!)) continue;
    const relu = clip.opType === 'Relu';
    const lo = relu ? 0 : (scalarOf(inits, clip.input[1]) ?? -Infinity);
    const hi = relu ? Infinity : (scalarOf(inits, clip.input[2]) ?? Infinity);
    if (lo > 0 || hi < 0) continue; // the quantized range always holds 0, so such a clip cannot be folded
    const [rlo, rhi] = range(clip.output[0]!);
    clipped.set(clip.output[0]!, [Math.max(rlo, lo), Math.min(rhi, hi)]);
    conv.output[0] = clip.output[0]!;
    removed.add(clip);
  }
  nodes = nodes.filter((n) => !removed.has(n));

  // Which activations are quantized: those an int8 op reads. Float readers (the taps' pooling) read
  // the float tensor, so the head sees no activation rounding of its own.
  const quantized = new Set<string>();
  for (const n of nodes)
    if (quantOps.has(n))
      n.input.slice(0, n.opType === 'Conv' ? 1 : 2).forEach((t) => {
        quantized.add(t);
      });
  const params = new Map([...quantized].map((t) => [t, activationParams(clipped.get(t) ?? range(t), type)]));

  const newInits: O.ITensorProto[] = [];
  const qType = type === 'uint8' ? DataType.UINT8 : DataType.INT8;
  const qdq = (t: string): O.INodeProto[] => {
    const p = params.get(t)!;
    const zp = type === 'uint8' ? Uint8Array.of(p.zeroPoint) : Int8Array.of(p.zeroPoint);
    newInits.push(
      tensor(`${t}/scale`, [], DataType.FLOAT, Float32Array.of(p.scale)),
      tensor(`${t}/zero_point`, [], qType, zp),
    );
    return [
      {
        opType: 'QuantizeLinear',
        name: `${t}/quantize`,
        input: [t, `${t}/scale`, `${t}/zero_point`],
        output: [`${t}/q`],
      },
      {
        opType: 'DequantizeLinear',
        name: `${t}/dequantize`,
        input: [`${t}/q`, `${t}/scale`, `${t}/zero_point`],
        output: [`${t}/dq`],
      },
    ];
  };

  // Conv weights and bias -> int8 / int32 with DequantizeLinear per output channel.
  const weightNodes = new Map<O.INodeProto, O.INodeProto[]>();
  for (const conv of nodes.filter((n) => n.opType === 'Conv')) {
    const [, wName, bName] = conv.input;
    const w = inits.get(wName ?? '');
    if (!w)
      throw new IqaError(
        'EXPORT_INVALID',
        `Expected the weight of Conv ${JSON.stringify(conv.name)} to be an initialiser but ${JSON.stringify(wName)} ` +
          `is not`,
      );
    const dims = (w.dims ?? []).map(Number);
    const channels = dims[0]!;
    const { q, scales } = quantizePerChannel(readFloats(w), channels);
    const id = conv.name || conv.output[0]!;
    const added: O.INodeProto[] = [];
    newInits.push(
      tensor(`${id}/W_q`, dims, DataType.INT8, q),
      tensor(`${id}/W_scale`, [channels], DataType.FLOAT, scales),
      tensor(`${id}/W_zero_point`, [channels], DataType.INT8, new Int8Array(channels)),
    );
    added.push({
      opType: 'DequantizeLinear',
      name: `${id}/W_dequantize`,
      input: [`${id}/W_q`, `${id}/W_scale`, `${id}/W_zero_point`],
      output: [`${id}/W_dq`],
      attribute: [{ name: 'axis', type: 2, i: 0 }],
    });
    conv.input[1] = `${id}/W_dq`;
    if (bName) {
      const b = inits.get(bName);
      if (!b)
        throw new IqaError(
          'EXPORT_INVALID',
          `Expected the bias of Conv ${JSON.stringify(conv.name)} to be an initialiser but ${JSON.stringify(bName)} ` +
            `is not`,
        );
      const xScale = params.get(conv.input[0]!)!.scale;
      const bias = readFloats(b);
      const bScales = scales.map((s) => s * xScale);
      const bq = Int32Array.from(bias, (v, c) =>
        Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.round(v / bScales[c]!))),
      );
      newInits.push(
        tensor(`${id}/B_q`, [channels], DataType.INT32, bq),
        tensor(`${id}/B_scale`, [channels], DataType.FLOAT, bScales),
        tensor(`${id}/B_zero_point`, [channels], DataType.INT32, new Int32Array(channels)),
      );
      added.push({
        opType: 'DequantizeLinear',
        name: `${id}/B_dequantize`,
        input: [`${id}/B_q`, `${id}/B_scale`, `${id}/B_zero_point`],
        output: [`${id}/B_dq`],
        attribute: [{ name: 'axis', type: 2, i: 0 }],
      });
      conv.input[2] = `${id}/B_dq`;
    }
    weightNodes.set(conv, added);
  }

  // Consumers read the dequantized tensor; Q/DQ sit right after the producer (graph inputs: first).
  const graphInputs = (graph.input ?? []).map((i) => i.name!).filter((t) => quantized.has(t));
  const rewired = nodes.map((n) => ({
    ...n,
    input: n.input.map((t) => (quantized.has(t) && quantOps.has(n) ? `${t}/dq` : t)),
  }));
  const ordered: O.INodeProto[] = graphInputs.flatMap(qdq);
  rewired.forEach((n, i) => {
    ordered.push(...(weightNodes.get(nodes[i]!) ?? []), n);
    for (const t of n.output) if (quantized.has(t)) ordered.push(...qdq(t));
  });
  const used = new Set(ordered.flatMap((n) => n.input ?? []));
  const kept = (graph.initializer ?? []).filter((t) => used.has(t.name!));
  return { ...model, graph: { ...graph, node: ordered, initializer: [...kept, ...newInits] } };
}
