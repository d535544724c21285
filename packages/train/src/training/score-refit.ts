/**
 * Refits a stage-1 network's score to the MOS scale before stage 2.
 *
 * Stage 1 (ranking) fixes only the order of the scores: their scale and offset are whatever the
 * hinge's margin made them. Stage 2's regression loss would first spend epochs (and large
 * gradients through the upper blocks) undoing that scale. A least-squares line from the stage-1
 * scores of the training rows to their normalised MOS, folded into the final `score` layer,
 * starts stage 2 from the ranking at the right scale. It changes no order: SRCC is unchanged.
 */
import type * as tf from '@tensorflow/tfjs';
import { IqaError } from '@iqa-zoo/core';

export interface LinearFit {
  scale: number;
  offset: number;
}

/**
 * Least-squares `y ~ scale * x + offset`.
 *
 * @example
 * linearFit([0, 1, 2], [1, 3, 5]); // { scale: 2, offset: 1 }
 */
export function linearFit(x: ArrayLike<number>, y: ArrayLike<number>): LinearFit {
  if (x.length !== y.length || x.length < 2) {
    throw new IqaError(
      'INVALID_ARGUMENT',
      `Expected two equally long series of at least 2 values to fit a line but received ${x.length} and ${y.length}`,
    );
  }
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  if (!(sxx > 0)) {
    throw new IqaError(
      'INVALID_ARGUMENT',
      'Expected scores that vary to fit a line to MOS but every training row scored the same',
    );
  }
  const scale = sxy / sxx;
  return { scale, offset: my - scale * mx };
}

/** Folds `scale * s + offset` into the model's final dense layer, named `score` (kernel and bias). */
export function foldIntoScoreLayer(model: tf.LayersModel, fit: LinearFit): void {
  const layer = model.getLayer('score');
  const [kernel, bias] = layer.getWeights();
  if (!kernel || !bias) {
    throw new IqaError(
      'INVALID_ARGUMENT',
      `Expected the "score" layer to have a kernel and a bias but it has ${layer.getWeights().length} weights`,
    );
  }
  const k = kernel.mul(fit.scale);
  const b = bias.mul(fit.scale).add(fit.offset);
  layer.setWeights([k, b]);
  k.dispose();
  b.dispose();
}
