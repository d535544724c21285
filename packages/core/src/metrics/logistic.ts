import { levenbergMarquardt } from 'ml-levenberg-marquardt';

/** The four parameters of the VQEG logistic: f(x) = (b1 - b2) / (1 + exp(-(x - b3) / |b4|)) + b2. */
export type Logistic4 = [number, number, number, number];

/** Evaluates the 4-parameter logistic at `x`. */
export function logistic4(params: Logistic4, x: number): number {
  const [b1, b2, b3, b4] = params;
  return (b1 - b2) / (1 + Math.exp(-(x - b3) / Math.abs(b4))) + b2;
}

function stats(v: number[]): { min: number; max: number; mean: number; std: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const x of v) {
    min = Math.min(min, x);
    max = Math.max(max, x);
    sum += x;
  }
  const mean = sum / v.length;
  const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length) || 1;
  return { min, max, mean, std };
}

/**
 * Fits the standard 4-parameter logistic mapping objective scores to MOS (VQEG, as in
 * pyiqa and the IQA literature) by Levenberg-Marquardt, from the usual starting point
 * [max(mos), min(mos), mean(pred), std(pred)]; a decreasing relation is fitted by a flipped start.
 */
export function fitLogistic4(pred: ArrayLike<number>, mos: ArrayLike<number>): Logistic4 {
  const x = Array.from(pred);
  const y = Array.from(mos);
  const sx = stats(x);
  const sy = stats(y);
  let best: Logistic4 = [sy.max, sy.min, sx.mean, sx.std];
  let bestErr = Infinity;
  for (const start of [
    [sy.max, sy.min, sx.mean, sx.std],
    [sy.min, sy.max, sx.mean, sx.std],
  ]) {
    const result = levenbergMarquardt(
      { x, y },
      (p) => (v) => logistic4(p as Logistic4, v),
      {
        initialValues: start,
        damping: 1e-2,
        maxIterations: 500,
        errorTolerance: 1e-10,
        jacobianFunction: (p) => (v) => {
          const [b1, b2, b3, b4] = p as Logistic4;
          const s = Math.abs(b4) || 1e-12;
          const e = Math.exp(-(v - b3) / s);
          const d = 1 + e;
          const g = (b1 - b2) * e / (d * d);
          return [1 / d, 1 - 1 / d, -g / s, -g * (v - b3) / (s * s) * Math.sign(b4 || 1)];
        },
      },
    );
    const params = result.parameterValues as Logistic4;
    const err = x.reduce((s, v, i) => s + (logistic4(params, v) - y[i]!) ** 2, 0);
    if (Number.isFinite(err) && err < bestErr) {
      bestErr = err;
      best = params;
    }
  }
  return best;
}
