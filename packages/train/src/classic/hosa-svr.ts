/**
 * The linear epsilon-SVR that HOSA regresses its features with (Xu et al., IEEE TIP 2016, section III-D, which used
 * LIBLINEAR), fitted here by LIBSVM with its linear kernel (Chang and Lin, ACM TIST 2011; libsvm-js's WebAssembly
 * build). A linear SVR's dual depends on the rows only through their inner products, so LIBSVM is given the rows of
 * the Cholesky factor L of the Gram matrix G = X Xᵀ (n values per row, with L Lᵀ = G) instead of the 14,700 features:
 * the same problem, and a model text (where libsvm-js gives the dual coefficients) of a readable size: with 14,700
 * values per support vector it is about 170 MB, and reading it crashed Node ("invalid size error 169220804"). The dual
 * solution is then folded into the primal weights w = sum_i coef_i x_i, so a score is w.f + b.
 */
import { createRequire } from 'node:module';
import { expected } from '@iqa-zoo/core';
import type LibSvmPromise from 'libsvm-js/wasm.js';
import { kFoldAssignment } from './svr-grid.js';

type LibSvmClass = Awaited<typeof LibSvmPromise>;
let libsvm: Promise<LibSvmClass> | undefined;

/** Loads LIBSVM's WebAssembly build on the first fit. */
function loadLibsvm(): Promise<LibSvmClass> {
  libsvm ??= createRequire(import.meta.url)('libsvm-js/wasm.js') as Promise<LibSvmClass>;
  return libsvm;
}

/** Cost C and tube width epsilon (in target units) of a linear epsilon-SVR. */
export interface LinearSvrParams {
  C: number;
  epsilon: number;
}

/** A fitted linear SVR: its primal weights and bias, and how many support vectors the dual had. */
export interface LinearSvr {
  weights: Float64Array;
  bias: number;
  supportVectors: number;
}

/** Reads the dual coefficients, one per support vector, from LIBSVM's model text (printed to 17 digits). */
function coefficientsOf(text: string): number[] {
  const lines = text.split('\n');
  return lines
    .slice(lines.indexOf('SV') + 1)
    .filter((l) => l.trim() !== '')
    .map((l) => Number(l.trim().split(' ')[0]));
}

/** w.x + b. */
export function linearPredict(row: ArrayLike<number>, svr: Pick<LinearSvr, 'weights' | 'bias'>): number {
  let s = 0;
  for (let j = 0; j < row.length; j++) s += svr.weights[j]! * row[j]!;
  return s + svr.bias;
}

/**
 * The Gram matrix X Xᵀ of `rows` (n x n, row-major).
 *
 * @example
 * const gram = gramMatrix(features); // gram[i * n + j] = features[i] . features[j]
 */
export function gramMatrix(rows: ArrayLike<number>[]): Float64Array {
  const n = rows.length;
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = rows[i]!;
    for (let j = 0; j <= i; j++) {
      const b = rows[j]!;
      let s = 0;
      for (let t = 0; t < a.length; t++) s += a[t]! * b[t]!;
      gram[i * n + j] = s;
      gram[j * n + i] = s;
    }
  }
  return gram;
}

/**
 * Rows of the lower Cholesky factor L of a positive semi-definite n x n matrix (L Lᵀ = gram). A pivot below 1e-12 of
 * the largest diagonal entry (a row that is, to rounding, a combination of the earlier ones) gets a zero column.
 */
function choleskyRows(gram: Float64Array, n: number): Float64Array[] {
  const L = Array.from({ length: n }, () => new Float64Array(n));
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, gram[i * n + i]!);
  for (let j = 0; j < n; j++) {
    const Lj = L[j]!;
    let pivot = gram[j * n + j]!;
    for (let t = 0; t < j; t++) pivot -= Lj[t]! * Lj[t]!;
    if (!(pivot > 1e-12 * largest)) continue;
    const root = Math.sqrt(pivot);
    Lj[j] = root;
    for (let i = j + 1; i < n; i++) {
      const Li = L[i]!;
      let s = gram[i * n + j]!;
      for (let t = 0; t < j; t++) s -= Li[t]! * Lj[t]!;
      Li[j] = s / root;
    }
  }
  return L;
}

/**
 * Fits a linear epsilon-SVR to `rows` and `targets` (features as they are: HOSA's are already L2-normalised).
 * `gram` is the rows' Gram matrix when the caller has it (see `gramMatrix`).
 *
 * @example
 * const svr = await fitLinearSvr(trainFeatures, trainMos, { C: 100, epsilon: 5 });
 * const score = linearPredict(features, svr);
 */
export async function fitLinearSvr(
  rows: ArrayLike<number>[],
  targets: readonly number[],
  params: LinearSvrParams,
  gram?: Float64Array,
): Promise<LinearSvr> {
  if (!(params.C > 0)) throw new RangeError(expected('a positive number', 'C', params.C));
  if (!(params.epsilon >= 0)) throw new RangeError(expected('a non-negative number', 'epsilon', params.epsilon));
  if (rows.length !== targets.length)
    throw new RangeError(expected(`${rows.length} targets, one per row`, 'targets', targets));
  if (rows.length < 2) throw new RangeError(expected('at least 2 rows', 'rows', rows));
  const n = rows.length;
  if (gram && gram.length !== n * n) throw new RangeError(expected(`${n * n} values (n x n)`, 'gram', gram));
  const factor = choleskyRows(gram ?? gramMatrix(rows), n);
  const SVM = await loadLibsvm();
  const svm = new SVM({
    type: SVM.SVM_TYPES.EPSILON_SVR,
    kernel: SVM.KERNEL_TYPES.LINEAR,
    cost: params.C,
    epsilon: params.epsilon,
    quiet: true,
  });
  try {
    svm.train(factor, [...targets]);
    const indices = svm.getSVIndices();
    const coefficients = coefficientsOf(svm.serializeModel());
    if (coefficients.length !== indices.length)
      throw new Error(`LIBSVM listed ${coefficients.length} coefficients for ${indices.length} support vectors`);
    const d = rows[0]!.length;
    const weights = new Float64Array(d);
    indices.forEach((i, s) => {
      const row = rows[i]!;
      for (let j = 0; j < d; j++) weights[j] = weights[j]! + coefficients[s]! * row[j]!;
    });
    // LIBSVM prints rho to 6 digits only; the exact bias is LIBSVM's prediction less w.x (x.x_s = z.z_s).
    const bias = svm.predictOne(factor[0]!) - linearPredict(rows[0]!, { weights, bias: 0 });
    return { weights, bias, supportVectors: indices.length };
  } finally {
    svm.free();
  }
}

/**
 * Out-of-fold predictions of one parameter setting: each row predicted by the SVR fitted without its fold. `gram` is
 * the rows' Gram matrix when the caller has it.
 *
 * @example
 * const pred = await crossValidateLinearSvr(rows, mos, { C: 100, epsilon: 5 }, 5, 1);
 */
export async function crossValidateLinearSvr(
  rows: ArrayLike<number>[],
  targets: readonly number[],
  params: LinearSvrParams,
  k: number,
  seed: number,
  gram?: Float64Array,
): Promise<number[]> {
  const fold = kFoldAssignment(rows.length, k, seed);
  const n = rows.length;
  const all = gram ?? gramMatrix(rows);
  const out = new Array<number>(n).fill(NaN);
  for (let f = 0; f < k; f++) {
    const train = rows.flatMap((_, i) => (fold[i] === f ? [] : [i]));
    const sub = new Float64Array(train.length * train.length);
    train.forEach((i, a) => {
      train.forEach((j, b) => {
        sub[a * train.length + b] = all[i * n + j]!;
      });
    });
    const svr = await fitLinearSvr(
      train.map((i) => rows[i]!),
      train.map((i) => targets[i]!),
      params,
      sub,
    );
    rows.forEach((r, i) => {
      if (fold[i] === f) out[i] = linearPredict(r, svr);
    });
  }
  return out;
}
