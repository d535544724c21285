/**
 * tfjs padding semantics as ONNX attributes.
 *
 * tfjs 'same' (TensorFlow's SAME) pads `max((ceil(in/s) - 1) * s + (k - 1) * d + 1 - in, 0)` in
 * total, half of it (rounded down) at the start and the rest at the end. With stride 1 the total
 * does not depend on the input size, so explicit `pads` are written; with a larger stride it does,
 * and ONNX's `SAME_UPPER` (extra padding at the end) is exactly TensorFlow's rule for any size.
 */
import type { Attrs } from '../graph/builder.js';

/** Reads a tfjs `[a, b]`-or-number config value as a pair. */
export function pair(value: unknown, fallback: number): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number'))
    return [value[0], value[1]];
  if (value === undefined || value === null) return [fallback, fallback];
  throw new RangeError(`Expected a number or a pair of numbers but received ${JSON.stringify(value)}`);
}

/** ONNX Conv / pooling attributes reproducing tfjs `padding` for a 2-D kernel. */
export function paddingAttrs(
  padding: unknown,
  kernel: [number, number],
  strides: [number, number],
  dilations: [number, number] = [1, 1],
): Attrs {
  if (padding === 'valid') return {};
  if (padding !== 'same')
    throw new RangeError(`Expected padding "same" or "valid" but received ${JSON.stringify(padding)}`);
  if (strides[0] === 1 && strides[1] === 1) {
    const total = [0, 1].map((i) => (kernel[i]! - 1) * dilations[i]!);
    const begin = total.map((t) => Math.floor(t / 2));
    const pads = [begin[0]!, begin[1]!, total[0]! - begin[0]!, total[1]! - begin[1]!];
    return pads.some((p) => p > 0) ? { pads: { ints: pads } } : {};
  }
  return { auto_pad: { s: 'SAME_UPPER' } };
}
