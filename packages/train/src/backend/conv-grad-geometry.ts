/**
 * Geometry of the classic "gradients as forward convolutions" constructions, one spatial axis at a time.
 *
 * A forward convolution with stride `s`, filter size `k`, input length `n`, output length `o` and
 * leading padding `p` reads padded input position `i*s + t` (tap `t`) for output `i`. Its gradients are:
 * - dx: a stride-1 convolution of `dy` with `s - 1` zeros inserted after every element (length `o*s`),
 *   using the 180-degree-rotated filter, with padding chosen so the output has length `n` (used for
 *   strided depthwise convolutions; conv2d splits dx into phases instead, see `strided-input-grad.ts`).
 * - dW: a stride-1 convolution of `x` (batch and channels swapped) whose "filter" is `dy`, dilated by
 *   `s`, with padding chosen so the output has length `k`.
 * A padding that comes out negative becomes a crop of the convolution's output instead.
 */

/** Padding of the forward convolution that feeds a gradient construction, and a crop of its output. */
export interface AxisPlan {
  /** Zero padding before the data (>= 0). */
  readonly padBefore: number;
  /** Zero padding after the data (>= 0). */
  readonly padAfter: number;
  /** Elements to drop from the start of the convolution's output. */
  readonly cropBefore: number;
  /** Elements to drop from the end of the convolution's output. */
  readonly cropAfter: number;
}

/** What a gradient construction needs to know about one axis of the original convolution. */
export interface AxisGeometry {
  /** Input length `n` (height or width of x). */
  readonly inSize: number;
  /** Filter length `k`. */
  readonly filterSize: number;
  /** Output length `o` (height or width of dy). */
  readonly outSize: number;
  /** Stride `s`. */
  readonly stride: number;
  /** Leading padding `p` of the original convolution. */
  readonly padBefore: number;
}

/** A padding pair where a negative side becomes a crop of the convolution's output instead. */
export function plan(padBefore: number, padAfter: number): AxisPlan {
  return {
    padBefore: Math.max(padBefore, 0),
    padAfter: Math.max(padAfter, 0),
    cropBefore: Math.max(-padBefore, 0),
    cropAfter: Math.max(-padAfter, 0),
  };
}

/**
 * Plan for dx: convolve the zero-inserted `dy` (length `o*s`, the last `s-1` zeros included) with the
 * rotated filter, stride 1, so that the cropped output has length `n`.
 */
export function inputGradPlan(g: AxisGeometry): AxisPlan {
  const before = g.filterSize - 1 - g.padBefore;
  const after = g.inSize + g.filterSize - 1 - before - g.outSize * g.stride;
  return plan(before, after);
}

/**
 * Plan for dW: convolve `x` with `dy` as the filter (dilation `s`, stride 1) so that the cropped
 * output has length `k`.
 */
export function filterGradPlan(g: AxisGeometry): AxisPlan {
  const after = g.filterSize + (g.outSize - 1) * g.stride - g.inSize - g.padBefore;
  return plan(g.padBefore, after);
}
