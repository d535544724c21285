/**
 * Parity helpers: run a tfjs model on NCHW data (transposed to its NHWC), run an ONNX session,
 * and compare with an absolute-or-relative tolerance.
 */
import * as tf from '@tensorflow/tfjs';

/** Seeded uniform [0, 1) NCHW data. */
export function randomNchw(shape: [number, number, number, number], seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32;
  }
  return out;
}

/** Every output of the tfjs model for NCHW `data` (transposed to NHWC for tfjs), in `model.outputs` order. */
export function runTfjsOutputs(
  model: tf.LayersModel,
  data: Float32Array,
  shape: [number, number, number, number],
): Float32Array[] {
  return tf.tidy(() => {
    const nhwc = tf.transpose(tf.tensor4d(data, shape), [0, 2, 3, 1]);
    const out = model.predict(nhwc) as tf.Tensor | tf.Tensor[];
    return (Array.isArray(out) ? out : [out]).map((t) => Float32Array.from(t.dataSync()));
  });
}

/** The tfjs model's output for NCHW `data` (transposed to NHWC for tfjs). */
export function runTfjs(
  model: tf.LayersModel,
  data: Float32Array,
  shape: [number, number, number, number],
): Float32Array {
  return tf.tidy(() => {
    const nhwc = tf.transpose(tf.tensor4d(data, shape), [0, 2, 3, 1]);
    const out = model.predict(nhwc) as tf.Tensor;
    return Float32Array.from(out.dataSync());
  });
}

/** NHWC tfjs output values reordered to NCHW (for rank-4 outputs). */
export function nhwcToNchw(data: Float32Array, [n, h, w, c]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n!; b++)
    for (let y = 0; y < h!; y++)
      for (let x = 0; x < w!; x++)
        for (let k = 0; k < c!; k++) out[((b * c! + k) * h! + y) * w! + x] = data[((b * h! + y) * w! + x) * c! + k]!;
  return out;
}

/** Indices where `actual` and `expected` differ by more than `tol` absolute AND relative; empty when close. */
export function mismatches(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4): string[] {
  if (actual.length !== expected.length) return [`length ${actual.length} != ${expected.length}`];
  const bad: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const diff = Math.abs(a - e);
    if (!(diff <= tol || diff <= tol * Math.abs(e))) bad.push(`[${i}] ${a} vs ${e} (diff ${diff.toExponential(2)})`);
  }
  return bad.slice(0, 5);
}
