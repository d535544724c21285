/**
 * Activation ranges for static quantization: the float32 model runs in onnxruntime-node over
 * calibration batches with every tensor to quantize exposed as an output, and the min and max of
 * each are kept (MinMax calibration, onnxruntime's `CalibrationMethod.MinMax`).
 */
import { IqaError, type TensorData } from '@iqa-zoo/core';
import type { onnx as O } from 'onnx-proto';
import { onnx } from '../onnx/proto.js';
import { type TensorRange, tensorsToCalibrate } from './qdq.js';

/**
 * How runs' ranges combine: `minmax` keeps the extremes of all runs; `mean-minmax` averages each
 * run's min and max (onnxruntime's MinMax with `moving_average`), so a rare outlier widens the range less.
 */
export type CalibrationMethod = 'minmax' | 'mean-minmax';

export interface CalibrateOptions {
  /** Default `minmax`. */
  method?: CalibrationMethod;
  /** onnxruntime intra-op threads (default 0: onnxruntime's choice). */
  threads?: number;
  /** Most batch rows per run (default 4): every exposed tensor of every row is held at once. */
  maxRows?: number;
  /** Called after each run with the rows seen so far. */
  onProgress?: (rows: number) => void;
}

/** Keeps the smallest and largest value seen of each named tensor (or the mean of each run's, for `mean-minmax`). */
export class RangeCollector {
  private readonly seen = new Map<string, [number, number, number]>();

  constructor(private readonly method: CalibrationMethod = 'minmax') {
    if (method !== 'minmax' && method !== 'mean-minmax')
      throw new RangeError(`Expected one of "minmax", "mean-minmax" for method but received ${JSON.stringify(method)}`);
  }

  /** Widens `name`'s range by the values of `data`; non-finite values are an error. */
  observe(name: string, data: ArrayLike<number>): void {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (data.length > 0 && (!Number.isFinite(lo) || !Number.isFinite(hi))) {
      throw new IqaError(
        'EXPORT_INVALID',
        `Expected finite values in tensor ${JSON.stringify(name)} during calibration but received [${lo}, ${hi}]`,
      );
    }
    if (data.length === 0) return;
    const r = this.seen.get(name);
    if (!r) this.seen.set(name, [lo, hi, 1]);
    else if (this.method === 'minmax') this.seen.set(name, [Math.min(r[0], lo), Math.max(r[1], hi), r[2] + 1]);
    else this.seen.set(name, [r[0] + lo, r[1] + hi, r[2] + 1]);
  }

  /** The ranges seen so far. */
  ranges(): Map<string, TensorRange> {
    const mean = this.method === 'mean-minmax';
    return new Map(
      [...this.seen].map(([k, [lo, hi, n]]) => [k, mean ? ([lo / n, hi / n] as const) : ([lo, hi] as const)]),
    );
  }
}

/** A copy of `model` whose graph also outputs `names` (type float, shape left to the runtime). */
export function exposeTensors(model: O.IModelProto, names: readonly string[]): Uint8Array {
  const graph = model.graph!;
  const have = new Set([...(graph.output ?? []), ...(graph.input ?? [])].map((v) => v.name!));
  const extra = names.filter((n) => !have.has(n)).map((name) => ({ name, type: { tensorType: { elemType: 1 } } }));
  return onnx.ModelProto.encode(
    onnx.ModelProto.fromObject({ ...model, graph: { ...graph, output: [...(graph.output ?? []), ...extra] } }),
  ).finish();
}

/**
 * Runs the float32 `model` over `batches` (NCHW tensors as the model's input takes them) and returns
 * the range of every tensor `quantizeQdq` needs.
 *
 * @example
 * const ranges = await calibrateRanges(model, [preprocess(photo, card.input)]);
 * quantizeQdq(model, ranges);
 */
export async function calibrateRanges(
  model: O.IModelProto,
  batches: Iterable<TensorData> | AsyncIterable<TensorData>,
  options: CalibrateOptions = {},
): Promise<Map<string, TensorRange>> {
  const maxRows = options.maxRows ?? 4;
  if (!Number.isInteger(maxRows) || maxRows < 1)
    throw new RangeError(`Expected a positive integer for maxRows but received ${JSON.stringify(options.maxRows)}`);
  const graph = model.graph!;
  const inputName = graph.input?.[0]?.name;
  if (!inputName || (graph.input ?? []).length !== 1)
    throw new IqaError(
      'EXPORT_INVALID',
      `Expected a model with one input to calibrate but it has ${(graph.input ?? []).length}`,
    );
  const names = tensorsToCalibrate(graph);
  const fetched = names.filter((n) => n !== inputName);
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(exposeTensors(model, fetched), {
    intraOpNumThreads: options.threads ?? 0,
    graphOptimizationLevel: 'disabled',
    logSeverityLevel: 4,
  });
  const collector = new RangeCollector(options.method);
  let rows = 0;
  try {
    for await (const batch of batches) {
      const [n, ...rest] = batch.dims;
      const per = rest.reduce((a, b) => a * b, 1);
      for (let start = 0; start < n!; start += maxRows) {
        const count = Math.min(maxRows, n! - start);
        const data = batch.data.subarray(start * per, (start + count) * per);
        if (names.includes(inputName)) collector.observe(inputName, data);
        const out = await session.run({ [inputName]: new ort.Tensor('float32', data, [count, ...rest]) }, fetched);
        for (const name of fetched) collector.observe(name, out[name]!.data as Float32Array);
        rows += count;
      }
      options.onProgress?.(rows);
    }
  } finally {
    await session.release();
  }
  if (rows === 0) throw new IqaError('EXPORT_INVALID', 'Expected at least one calibration image but received none');
  return collector.ranges();
}
