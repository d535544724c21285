/**
 * Epsilon-SVR with an RBF kernel, fitted by LIBSVM (Chang and Lin, ACM TIST 2011; the libsvm-js build),
 * on features scaled to [-1, 1] by the training minimum and maximum, as BRISQUE's authors used it
 * (Mittal, Moorthy and Bovik, IEEE TIP 2012, section IV). The result is core's `SvrModel`: plain data that
 * `predictSvr` evaluates anywhere.
 */
import { type SvrModel, applyScaling, expected, fitScaling, svrDecision } from '@iqa-zoo/core';
import { createRequire } from 'node:module';
import type LibSvm from 'libsvm-js/asm.js';

type LibSvmClass = typeof LibSvm;
let libsvm: LibSvmClass | undefined;

/** Loads LIBSVM (about 1 MB of asm.js) on the first fit, so importing @iqa-zoo/train stays fast. */
function loadLibsvm(): LibSvmClass {
  libsvm ??= createRequire(import.meta.url)('libsvm-js/asm.js') as LibSvmClass;
  return libsvm;
}

/** The three hyper-parameters of an RBF epsilon-SVR: cost C, kernel width gamma, tube width epsilon. */
export interface SvrParams {
  C: number;
  gamma: number;
  epsilon: number;
}

/** A fitted SVR: the model as data, and LIBSVM's own predictions (to check `predictSvr` against). */
export interface FittedSvr {
  model: SvrModel;
  /** LIBSVM's predictions for unscaled rows (scaled with the model's scaling first). */
  libsvmPredict(rows: ArrayLike<number>[]): number[];
  /** Frees LIBSVM's memory (emscripten's heap is not garbage-collected). */
  dispose(): void;
}

function checkParams({ C, gamma, epsilon }: SvrParams): void {
  if (!(C > 0)) throw new RangeError(expected('a positive number', 'C', C));
  if (!(gamma > 0)) throw new RangeError(expected('a positive number', 'gamma', gamma));
  if (!(epsilon >= 0)) throw new RangeError(expected('a non-negative number', 'epsilon', epsilon));
}

/** Reads the dual coefficients, one per support vector, from LIBSVM's model text (printed to 17 digits). */
function coefficientsOf(text: string): number[] {
  const lines = text.split('\n');
  const start = lines.indexOf('SV') + 1;
  return lines
    .slice(start)
    .filter((l) => l.trim() !== '')
    .map((l) => Number(l.trim().split(' ')[0]));
}

/**
 * Fits an RBF epsilon-SVR to `rows` (features) and `targets`.
 *
 * @example
 * const fitted = fitSvr(trainFeatures, trainMos, { C: 16, gamma: 0.05, epsilon: 0.1 });
 * const score = predictSvr(features, fitted.model);
 * fitted.dispose();
 */
export function fitSvr(rows: ArrayLike<number>[], targets: readonly number[], params: SvrParams): FittedSvr {
  checkParams(params);
  if (rows.length !== targets.length)
    throw new RangeError(expected(`${rows.length} targets, one per row`, 'targets', targets));
  if (rows.length < 2) throw new RangeError(expected('at least 2 rows', 'rows', rows));
  const scaling = fitScaling(rows);
  const scaled = rows.map((r) => applyScaling(r, scaling));
  const SVM = loadLibsvm();
  const svm = new SVM({
    type: SVM.SVM_TYPES.EPSILON_SVR,
    kernel: SVM.KERNEL_TYPES.RBF,
    gamma: params.gamma,
    cost: params.C,
    epsilon: params.epsilon,
    quiet: true,
  });
  svm.train(scaled, [...targets]);
  const supportVectors = svm.getSVIndices().map((i) => scaled[i]!);
  const coefficients = coefficientsOf(svm.serializeModel());
  if (coefficients.length !== supportVectors.length) {
    svm.free();
    throw new Error(`LIBSVM listed ${coefficients.length} coefficients for ${supportVectors.length} support vectors`);
  }
  // LIBSVM prints rho to 6 digits only; the exact value is the decision without rho minus LIBSVM's prediction.
  const model: SvrModel = { kernel: 'rbf', gamma: params.gamma, rho: 0, coefficients, supportVectors, scaling };
  model.rho = svrDecision(scaled[0]!, model) - svm.predictOne(scaled[0]!);
  return {
    model,
    libsvmPredict: (input) => input.map((r) => svm.predictOne(applyScaling(r, scaling))),
    dispose: () => svm.free(),
  };
}
