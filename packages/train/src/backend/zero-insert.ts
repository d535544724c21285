/**
 * Zero insertion ("dilating" a tensor by a stride), used by the gradients of strided convolutions.
 */
import type * as tf from '@tensorflow/tfjs';
import type { KernelScope } from './kernel-scope.js';

type Shape4 = [number, number, number, number];

/** Inserts `stride - 1` zeros after every element along H and W: [N,H,W,C] -> [N,H*sh,W*sw,C]. */
export function zeroInsert(scope: KernelScope, x: tf.TensorInfo, strideH: number, strideW: number): tf.TensorInfo {
  if (strideH === 1 && strideW === 1) return x;
  const [n, h, w, c] = x.shape as Shape4;
  const six = scope.reshape(x, [n, h, 1, w, 1, c]);
  const paddings = [
    [0, 0],
    [0, 0],
    [0, strideH - 1],
    [0, 0],
    [0, strideW - 1],
    [0, 0],
  ];
  const padded = scope.run('PadV2', { x: six }, { paddings, constantValue: 0 });
  return scope.reshape(padded, [n, h * strideH, w * strideW, c]);
}
