/**
 * dx of a convolution by polyphase decomposition (sub-pixel transposed convolution), for any stride.
 *
 * With stride s, padded-input position q = m*s + r (phase r) only receives filter taps t = r, r+s, ...
 * so dx splits into s_h*s_w stride-1 convolutions of dy, each with the rotated sub-filter of its phase,
 * whose outputs are interleaved. Unlike convolving a zero-inserted dy, no multiply-adds are spent on
 * inserted zeros: the work equals the forward convolution's. With stride 1 there is one phase, and
 * this is the classic "full convolution with the rotated filter".
 */
import type * as tf from '@tensorflow/tfjs';
import { plan, type AxisGeometry, type AxisPlan } from './conv-grad-geometry.js';
import type { KernelScope } from './kernel-scope.js';

/** One phase of one axis: which filter taps it uses and how to pad/crop its stride-1 convolution. */
interface Phase {
  /** First tap (= phase index r). */
  readonly firstTap: number;
  /** Number of taps r, r+s, ... below the filter size (0: the phase gets no gradient). */
  readonly taps: number;
  readonly plan: AxisPlan;
}

/** The phases of one axis, the common output length per phase, and the crop of the interleaved result. */
export interface AxisPhases {
  readonly phases: Phase[];
  readonly length: number;
  readonly cropBefore: number;
  readonly cropAfter: number;
}

/** Splits one axis into its stride phases (see the file comment for the index algebra). */
export function axisPhases(g: AxisGeometry): AxisPhases {
  const s = g.stride;
  const first = Math.floor(g.padBefore / s); // m of the first padded-input position q = p
  const last = Math.floor((g.padBefore + g.inSize - 1) / s);
  const length = last - first + 1;
  const phases: Phase[] = [];
  for (let r = 0; r < s; r++) {
    const taps = r < g.filterSize ? Math.ceil((g.filterSize - r) / s) : 0;
    const before = taps - 1 - first;
    phases.push({ firstTap: r, taps, plan: plan(before, length + taps - 1 - before - g.outSize) });
  }
  return { phases, length, cropBefore: g.padBefore - first * s, cropAfter: (last + 1) * s - g.padBefore - g.inSize };
}

/** Which forward kernel computes the phases, and whether the filter's in/out channels are swapped. */
export type InputGradKind = 'conv2d' | 'depthwise';

type Shape4 = [number, number, number, number];

/**
 * The rotated sub-filter of phase (rh, rw), computed in JavaScript from the filter values:
 * out[i, j, a, b] = W[rh + sh*(th-1-i), rw + sw*(tw-1-j), ...], with (a, b) = (out, in) channels
 * for conv2d (swapped) and (channel, 0) for depthwise.
 */
function subFilter(
  w: Float32Array,
  shape: Shape4,
  rh: number,
  rw: number,
  th: number,
  tw: number,
  s: [number, number],
  kind: InputGradKind,
): { values: Float32Array; shape: Shape4 } {
  const [, kw, ci, co] = shape;
  const [a, b] = kind === 'conv2d' ? [co, ci] : [ci, co];
  const values = new Float32Array(th * tw * a * b);
  let o = 0;
  for (let i = 0; i < th; i++) {
    for (let j = 0; j < tw; j++) {
      const base = ((rh + s[0] * (th - 1 - i)) * kw + (rw + s[1] * (tw - 1 - j))) * ci * co;
      for (let p = 0; p < a; p++) {
        for (let q = 0; q < b; q++) values[o++] = kind === 'conv2d' ? w[base + q * co + p]! : w[base + p * co + q]!;
      }
    }
  }
  return { values, shape: [th, tw, a, b] };
}

/** Runs each phase's stride-1 convolution; returns them row-major over (rh, rw), each [N, Lh, Lw, c]. */
function phaseOutputs(
  scope: KernelScope,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  hp: AxisPhases,
  wp: AxisPhases,
  strides: [number, number],
  kind: InputGradKind,
): tf.TensorInfo[] {
  const w = scope.values(filter);
  const fShape = filter.shape as Shape4;
  const n = dy.shape[0]!;
  const channels = kind === 'conv2d' ? fShape[2] : fShape[2] * fShape[3];
  const outputs: tf.TensorInfo[] = [];
  for (const ph of hp.phases) {
    for (const pw of wp.phases) {
      if (ph.taps === 0 || pw.taps === 0) {
        outputs.push(scope.run('Fill', {}, { shape: [n, hp.length, wp.length, channels], value: 0, dtype: 'float32' }));
        continue;
      }
      const sub = subFilter(w, fShape, ph.firstTap, pw.firstTap, ph.taps, pw.taps, strides, kind);
      const pad = [
        [0, 0],
        [ph.plan.padBefore, ph.plan.padAfter],
        [pw.plan.padBefore, pw.plan.padAfter],
        [0, 0],
      ];
      const attrs = { strides: [1, 1], pad, dilations: [1, 1], dataFormat: 'NHWC', dimRoundingMode: undefined };
      const kernelName = kind === 'conv2d' ? 'Conv2D' : 'DepthwiseConv2dNative';
      const y = scope.run(kernelName, { x: dy, filter: scope.fromValues(sub.values, sub.shape) }, attrs);
      const cropped = ph.plan.cropBefore + ph.plan.cropAfter + pw.plan.cropBefore + pw.plan.cropAfter > 0;
      const size = [n, hp.length, wp.length, channels];
      outputs.push(
        cropped ? scope.run('Slice', { x: y }, { begin: [0, ph.plan.cropBefore, pw.plan.cropBefore, 0], size }) : y,
      );
    }
  }
  return outputs;
}

/** Interleaves phase outputs [N, Lh, Lw, c] (row-major over (rh, rw)) into [N, Lh*sh, Lw*sw, c] with two concats. */
function interleave(scope: KernelScope, outputs: tf.TensorInfo[], sh: number, sw: number): tf.TensorInfo {
  if (outputs.length === 1) return outputs[0]!;
  const [n, lh, lw, c] = outputs[0]!.shape as Shape4;
  const concat = (parts: tf.TensorInfo[], axis: number): tf.TensorInfo =>
    parts.length === 1 ? parts[0]! : scope.run('Concat', parts as unknown as tf.NamedTensorInfoMap, { axis });
  const rows: tf.TensorInfo[] = [];
  for (let rh = 0; rh < sh; rh++) {
    const cols = outputs.slice(rh * sw, (rh + 1) * sw).map((o) => scope.reshape(o, [n, lh, lw, 1, c]));
    rows.push(scope.reshape(concat(cols, 3), [n, lh, 1, lw * sw * c])); // [N, Lh, Lw, sw, c]
  }
  return scope.reshape(concat(rows, 2), [n, lh * sh, lw * sw, c]); // [N, Lh, sh, Lw*sw*c]
}

/** dx [N, H, W, c] of a conv2d or (multiplier-1) depthwise convolution, from dy and the forward filter. */
export function polyphaseInputGrad(
  scope: KernelScope,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  height: AxisGeometry,
  width: AxisGeometry,
  kind: InputGradKind,
): tf.TensorInfo {
  const hp = axisPhases(height);
  const wp = axisPhases(width);
  const outputs = phaseOutputs(scope, dy, filter, hp, wp, [height.stride, width.stride], kind);
  const full = interleave(scope, outputs, height.stride, width.stride);
  if (hp.cropBefore + hp.cropAfter + wp.cropBefore + wp.cropAfter === 0) return full;
  const size = [dy.shape[0]!, height.inSize, width.inSize, full.shape[3]!];
  return scope.run('Slice', { x: full }, { begin: [0, hp.cropBefore, wp.cropBefore, 0], size });
}
