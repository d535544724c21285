/**
 * The 4-parameter logistic fit of the IQA literature (VQEG), used for PLCC after mapping.
 * Written here rather than with ml-levenberg-marquardt: that library accepted steps that raised
 * the error and diverged on clean logistic data (off by 11-15 MOS points in core's tests), so this
 * fit takes only improving steps, on rescaled data, from four starting points.
 */
import { checkPairs } from './correlation.js';

/** The four parameters of the VQEG logistic: f(x) = (b1 - b2) / (1 + exp(-(x - b3) / |b4|)) + b2. */
export type Logistic4 = [number, number, number, number];

/** Evaluates the 4-parameter logistic at `x`. */
export function logistic4(params: Logistic4, x: number): number {
  const [b1, b2, b3, b4] = params;
  return (b1 - b2) / (1 + Math.exp(-(x - b3) / Math.abs(b4))) + b2;
}

/** Mean and population std of `v` (std 1 when `v` is constant, so scaling stays finite). */
function meanStd(v: number[]): { mean: number; std: number } {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length) || 1;
  return { mean, std };
}

/** Solves the 4x4 system `a x = b` in place by Gaussian elimination with partial pivoting; null if singular. */
function solve4(a: number[][], b: number[]): number[] | null {
  for (let col = 0; col < 4; col++) {
    let piv = col;
    for (let r = col + 1; r < 4; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[piv]![col]!)) piv = r;
    if (!(Math.abs(a[piv]![col]!) > 1e-300)) return null;
    [a[col], a[piv]] = [a[piv]!, a[col]!];
    [b[col], b[piv]] = [b[piv]!, b[col]!];
    for (let r = col + 1; r < 4; r++) {
      const f = a[r]![col]! / a[col]![col]!;
      for (let k = col; k < 4; k++) a[r]![k]! -= f * a[col]![k]!;
      b[r]! -= f * b[col]!;
    }
  }
  const x = [0, 0, 0, 0];
  for (let r = 3; r >= 0; r--) {
    let s = b[r]!;
    for (let k = r + 1; k < 4; k++) s -= a[r]![k]! * x[k]!;
    x[r] = s / a[r]![r]!;
  }
  return x;
}

function sse(p: Logistic4, x: number[], y: number[]): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (logistic4(p, x[i]!) - y[i]!) ** 2;
  return s;
}

/**
 * Levenberg-Marquardt (Marquardt's diagonal scaling; a step is taken only when it lowers the
 * squared error, so the fit never gets worse than its start).
 */
function levenbergMarquardt(
  x: number[],
  y: number[],
  start: Logistic4,
  maxIterations = 200,
): { params: Logistic4; err: number } {
  let p = start;
  let err = sse(p, x, y);
  let lambda = 1e-3;
  for (let it = 0; it < maxIterations && lambda < 1e12; it++) {
    const [b1, b2, b3, b4] = p;
    const s = Math.abs(b4) || 1e-12;
    const jtj = [0, 1, 2, 3].map(() => [0, 0, 0, 0]);
    const jtr = [0, 0, 0, 0];
    for (let i = 0; i < x.length; i++) {
      const sig = 1 / (1 + Math.exp(-(x[i]! - b3) / s)); // stable for any exponent
      const g = (b1 - b2) * sig * (1 - sig);
      const jrow = [sig, 1 - sig, -g / s, ((-g * (x[i]! - b3)) / (s * s)) * (b4 < 0 ? -1 : 1)];
      const r = y[i]! - ((b1 - b2) * sig + b2);
      for (let m = 0; m < 4; m++) {
        jtr[m]! += jrow[m]! * r;
        for (let k = 0; k < 4; k++) jtj[m]![k]! += jrow[m]! * jrow[k]!;
      }
    }
    let improved = false;
    while (!improved && lambda < 1e12) {
      const a = jtj.map((row, m) => row.map((v, k) => (m === k ? v * (1 + lambda) + 1e-12 : v)));
      const step = solve4(a, jtr.slice());
      const next = step && (p.map((v, k) => v + step[k]!) as Logistic4);
      const nextErr = next ? sse(next, x, y) : Infinity;
      if (next && Number.isFinite(nextErr) && nextErr < err) {
        const gain = (err - nextErr) / (err || 1);
        p = next;
        err = nextErr;
        lambda = Math.max(lambda / 10, 1e-12);
        improved = true;
        if (gain < 1e-12) return { params: p, err };
      } else {
        lambda *= 10;
      }
    }
  }
  return { params: p, err };
}

/**
 * Fits the standard 4-parameter logistic mapping objective scores to MOS (VQEG, as in
 * pyiqa and the IQA literature) by Levenberg-Marquardt.
 *
 * The fit runs on standardised data (predictions to zero mean and unit std, MOS to [0, 1]),
 * so its conditioning does not depend on the units of either, from increasing and decreasing
 * starts of moderate and steep slope; the best fit is mapped back to the original units.
 *
 * @example
 * const p = fitLogistic4(pred, mos);
 * const mapped = pred.map((v) => logistic4(p, v));
 */
export function fitLogistic4(pred: ArrayLike<number>, mos: ArrayLike<number>): Logistic4 {
  const [x, y] = checkPairs(pred, mos);
  const sx = meanStd(x);
  const yMin = y.reduce((m, v) => Math.min(m, v), Infinity);
  const yRange = y.reduce((m, v) => Math.max(m, v), -Infinity) - yMin || 1;
  const u = x.map((v) => (v - sx.mean) / sx.std);
  const w = y.map((v) => (v - yMin) / yRange);
  let best: Logistic4 = [1, 0, 0, 1];
  let bestErr = Infinity;
  for (const start of [
    [1, 0, 0, 1],
    [0, 1, 0, 1],
    [1, 0, 0, 0.1],
    [0, 1, 0, 0.1],
  ]) {
    const { params, err } = levenbergMarquardt(u, w, start as Logistic4);
    if (Number.isFinite(err) && err < bestErr) {
      bestErr = err;
      best = params;
    }
  }
  const [c1, c2, c3, c4] = best;
  return [yMin + yRange * c1, yMin + yRange * c2, sx.mean + sx.std * c3, sx.std * Math.abs(c4)];
}
