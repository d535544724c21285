/**
 * Hyper-parameter choice for the RBF SVR by k-fold cross-validation inside the data it is given
 * (call it with the training split only): every (C, gamma, epsilon) of the grid is fitted k times, and
 * the one whose pooled out-of-fold predictions have the highest SRCC (then PLCC) wins.
 */
import { expected, mulberry32, plcc, predictSvr, srcc } from '@iqa-zoo/core';
import { type SvrParams, fitSvr } from './fit-svr.js';

/** The values to try for each hyper-parameter; the grid is their product. */
export interface SvrGrid {
  C: number[];
  gamma: number[];
  epsilon: number[];
}

/** One grid point's cross-validated agreement with the targets. */
export interface SvrGridResult {
  params: SvrParams;
  srcc: number;
  plcc: number;
}

/** Assigns each of `n` rows a fold in 0..k-1: a seeded permutation cut into k near-equal parts. */
export function kFoldAssignment(n: number, k: number, seed: number): Int32Array {
  if (!Number.isInteger(k) || k < 2 || k > n)
    throw new RangeError(expected(`an integer from 2 to ${n}`, 'the fold count', k));
  const order = Array.from({ length: n }, (_, i) => i);
  const rand = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const fold = new Int32Array(n);
  order.forEach((row, rank) => {
    fold[row] = Math.floor((rank * k) / n);
  });
  return fold;
}

/** Out-of-fold predictions of one parameter set: each row predicted by the model fitted without its fold. */
export function crossValidatedPredictions(
  rows: ArrayLike<number>[],
  targets: readonly number[],
  params: SvrParams,
  fold: Int32Array,
): number[] {
  const k = Math.max(...fold) + 1;
  const out = new Array<number>(rows.length).fill(NaN);
  for (let f = 0; f < k; f++) {
    const train = rows.flatMap((_, i) => (fold[i] === f ? [] : [i]));
    const fitted = fitSvr(
      train.map((i) => rows[i]!),
      train.map((i) => targets[i]!),
      params,
    );
    fitted.dispose();
    rows.forEach((r, i) => {
      if (fold[i] === f) out[i] = predictSvr(r, fitted.model);
    });
  }
  return out;
}

/**
 * Cross-validates every point of `grid` on the same folds and returns the best parameters and all results.
 * `onResult` reports each point as it finishes (long grids show progress).
 *
 * @example
 * const grid = { C: [1, 16], gamma: [0.01, 0.1], epsilon: [1] };
 * const { best } = gridSearchSvr(trainFeatures, trainMos, grid, { folds: 5, seed: 1 });
 */
export function gridSearchSvr(
  rows: ArrayLike<number>[],
  targets: readonly number[],
  grid: SvrGrid,
  options: { folds: number; seed: number; onResult?: (r: SvrGridResult, done: number, total: number) => void },
): { best: SvrParams; results: SvrGridResult[] } {
  const fold = kFoldAssignment(rows.length, options.folds, options.seed);
  const points = grid.C.flatMap((C) =>
    grid.gamma.flatMap((gamma) => grid.epsilon.map((epsilon) => ({ C, gamma, epsilon }))),
  );
  if (points.length === 0) throw new RangeError(expected('at least one value per hyper-parameter', 'grid', grid));
  const results = points.map((params, i) => {
    const pred = crossValidatedPredictions(rows, targets, params, fold);
    const result = { params, srcc: srcc(pred, targets), plcc: plcc(pred, targets) };
    options.onResult?.(result, i + 1, points.length);
    return result;
  });
  const best = results.reduce((a, b) => (b.srcc > a.srcc || (b.srcc === a.srcc && b.plcc > a.plcc) ? b : a));
  return { best: best.params, results };
}
