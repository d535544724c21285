/**
 * Convolution gradients built from a backend's forward convolution kernels (NHWC, dilation 1).
 *
 * - dx = conv(dy, rot180(W) with in/out channels swapped), padded, stride 1; with stride s either
 *   split into s*s phases (polyphase, `strided-input-grad.ts`) or run on dy with s-1 zeros inserted.
 * - dW = conv(x with batch and channels swapped, dy as the filter, dilation = stride), cropped;
 *   for 1x1 stride-1 convolutions a single GEMM x^T dy.
 * Depthwise (channel multiplier 1) uses the same shapes with `DepthwiseConv2dNative`; for dW the
 * batch is folded into the channels and summed out afterwards.
 * Each builder works on `TensorInfo`s through a `KernelScope` and returns one new `TensorInfo`.
 */
import type * as tf from '@tensorflow/tfjs';
import { filterGradPlan, inputGradPlan, type AxisGeometry, type AxisPlan } from './conv-grad-geometry.js';
import type { KernelScope } from './kernel-scope.js';
import { polyphaseInputGrad } from './strided-input-grad.js';
import { zeroInsert } from './zero-insert.js';

/** The geometry of the original convolution, both spatial axes. */
export interface ConvGeometry {
  readonly height: AxisGeometry;
  readonly width: AxisGeometry;
}

type Shape4 = [number, number, number, number];

/** `[[0,0],[top,bottom],[left,right],[0,0]]`: tfjs' explicit NHWC padding. */
function explicitPad(
  h: AxisPlan,
  w: AxisPlan,
): [[number, number], [number, number], [number, number], [number, number]] {
  return [
    [0, 0],
    [h.padBefore, h.padAfter],
    [w.padBefore, w.padAfter],
    [0, 0],
  ];
}

/** Drops the plan's crops from axes 1 and 2 of an NHWC tensor (no-op when nothing to crop). */
function crop(scope: KernelScope, y: tf.TensorInfo, h: AxisPlan, w: AxisPlan): tf.TensorInfo {
  if (h.cropBefore + h.cropAfter + w.cropBefore + w.cropAfter === 0) return y;
  const [n, yh, yw, c] = y.shape as Shape4;
  const size = [n, yh - h.cropBefore - h.cropAfter, yw - w.cropBefore - w.cropAfter, c];
  return scope.run('Slice', { x: y }, { begin: [0, h.cropBefore, w.cropBefore, 0], size });
}

/** Runs a stride-1 (optionally dilated) forward convolution with explicit padding, then crops. */
function convThenCrop(
  scope: KernelScope,
  kernelName: 'Conv2D' | 'DepthwiseConv2dNative',
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  h: AxisPlan,
  w: AxisPlan,
  dilations: [number, number],
): tf.TensorInfo {
  const attrs = { strides: [1, 1], pad: explicitPad(h, w), dilations, dataFormat: 'NHWC', dimRoundingMode: undefined };
  return crop(scope, scope.run(kernelName, { x, filter }, attrs), h, w);
}

function checkLength(got: number, want: number, what: string): void {
  if (got !== want) throw new Error(`Internal error in convolution gradient: ${what} is ${got}, expected ${want}`);
}

function isStrided(g: ConvGeometry): boolean {
  return g.height.stride > 1 || g.width.stride > 1;
}

/** dx of `conv2d` (filter [kh,kw,ci,co]): returns [N, H, W, ci]. Polyphase: no work on inserted zeros. */
export function conv2dInputGrad(
  scope: KernelScope,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  g: ConvGeometry,
): tf.TensorInfo {
  return polyphaseInputGrad(scope, dy, filter, g.height, g.width, 'conv2d');
}

/** dW of `conv2d` (x [N,H,W,ci], dy [N,oh,ow,co]): returns [kh, kw, ci, co]. */
export function conv2dFilterGrad(
  scope: KernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  g: ConvGeometry,
): tf.TensorInfo {
  if (isPointwise(g)) return pointwiseFilterGrad(scope, x, dy);
  const h = filterGradPlan(g.height);
  const w = filterGradPlan(g.width);
  const xT = scope.transpose(x, [3, 1, 2, 0]); // [ci, H, W, N]
  const dyT = scope.transpose(dy, [1, 2, 0, 3]); // [oh, ow, N, co]
  const y = convThenCrop(scope, 'Conv2D', xT, dyT, h, w, [g.height.stride, g.width.stride]); // [ci, kh, kw, co]
  checkLength(y.shape[1], g.height.filterSize, 'dW height');
  checkLength(y.shape[2], g.width.filterSize, 'dW width');
  return scope.transpose(y, [1, 2, 0, 3]);
}

/** `a` [m, k] times `b` [k, n] (any shapes of those sizes) as a 1x1 convolution (XNNPACK GEMM): [1,1,m,n]. */
function gemm(scope: KernelScope, a: tf.TensorInfo, m: number, k: number, b: tf.TensorInfo, n: number): tf.TensorInfo {
  const attrs = { strides: [1, 1], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC', dimRoundingMode: undefined };
  return scope.run('Conv2D', { x: scope.reshape(a, [1, 1, m, k]), filter: scope.reshape(b, [1, 1, k, n]) }, attrs);
}

/** True for a 1x1, stride-1, unpadded convolution: dW is then one matrix product. */
export function isPointwise(g: ConvGeometry): boolean {
  const one = (a: AxisGeometry): boolean =>
    a.filterSize === 1 && a.stride === 1 && a.padBefore === 0 && a.outSize === a.inSize;
  return one(g.height) && one(g.width);
}

/**
 * dW of a pointwise (1x1, stride 1) `conv2d`: x^T dy, [ci, P] x [P, co] with P = N*H*W, as one GEMM.
 * The operand with fewer channels is transposed; the other is packed by XNNPACK. Returns [1, 1, ci, co].
 * (The general construction handles 1x1 too, but with N channels per filter tap it is ~5x slower.)
 */
export function pointwiseFilterGrad(scope: KernelScope, x: tf.TensorInfo, dy: tf.TensorInfo): tf.TensorInfo {
  const [n, h, w, ci] = x.shape as Shape4;
  const co = dy.shape[3]!;
  const rows = n * h * w;
  if (ci <= co) {
    const xT = scope.transpose(scope.reshape(x, [rows, ci]), [1, 0]);
    return scope.reshape(gemm(scope, xT, ci, rows, dy, co), [1, 1, ci, co]);
  }
  const dyT = scope.transpose(scope.reshape(dy, [rows, co]), [1, 0]);
  const out = gemm(scope, dyT, co, rows, x, ci);
  return scope.reshape(scope.transpose(scope.reshape(out, [co, ci]), [1, 0]), [1, 1, ci, co]);
}

/**
 * dx of `depthwiseConv2d` with channel multiplier 1 (filter [kh,kw,c,1]): returns [N, H, W, c].
 * Strided: one depthwise convolution of the zero-inserted dy. A depthwise convolution is so cheap that
 * the polyphase split (s*s convolutions, then interleaving copies) measured slower here.
 */
export function depthwiseInputGrad(
  scope: KernelScope,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  g: ConvGeometry,
): tf.TensorInfo {
  if (!isStrided(g)) return polyphaseInputGrad(scope, dy, filter, g.height, g.width, 'depthwise');
  const h = inputGradPlan(g.height);
  const w = inputGradPlan(g.width);
  const dilated = zeroInsert(scope, dy, g.height.stride, g.width.stride);
  const rotated = scope.run('Reverse', { x: filter }, { dims: [0, 1] });
  const dx = convThenCrop(scope, 'DepthwiseConv2dNative', dilated, rotated, h, w, [1, 1]);
  checkLength(dx.shape[1], g.height.inSize, 'dx height');
  return dx;
}

/**
 * dW of `depthwiseConv2d` with channel multiplier 1 (x [N,H,W,c], dy [N,oh,ow,c]): returns [kh,kw,c,1].
 * The batch is folded into the channels ([1, H, W, N*c]) so that one depthwise convolution with `dy`
 * as the filter computes every (image, channel) correlation; the images are then summed.
 * XNNPACK has no fast path for such large depthwise kernels: this costs 10-50x the (cheap) forward
 * pass, the most for stride 2 at 112x112. A per-tap alternative (shift dy with PadV2, multiply by the padded
 * x, reduce with a ones matrix product) measured 2-3x slower still.
 */
export function depthwiseFilterGrad(
  scope: KernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  g: ConvGeometry,
): tf.TensorInfo {
  const h = filterGradPlan(g.height);
  const w = filterGradPlan(g.width);
  const [n, xh, xw, c] = x.shape as Shape4;
  const [, oh, ow] = dy.shape as Shape4;
  const xFolded = scope.reshape(scope.transpose(x, [1, 2, 0, 3]), [1, xh, xw, n * c]);
  const dyFolded = scope.reshape(scope.transpose(dy, [1, 2, 0, 3]), [oh, ow, n * c, 1]);
  const strides: [number, number] = [g.height.stride, g.width.stride];
  const y = convThenCrop(scope, 'DepthwiseConv2dNative', xFolded, dyFolded, h, w, strides); // [1, kh, kw, N*c]
  const kh = g.height.filterSize;
  const kw = g.width.filterSize;
  checkLength(y.shape[1], kh, 'dW height');
  checkLength(y.shape[2], kw, 'dW width');
  const perImage = scope.reshape(y, [kh, kw, n, c]);
  const summed = n === 1 ? perImage : scope.run('Sum', { x: perImage }, { axis: [2], keepDims: false });
  return scope.reshape(summed, [kh, kw, c, 1]);
}
