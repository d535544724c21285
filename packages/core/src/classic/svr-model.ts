/**
 * A fitted RBF support vector regression as plain data, and its prediction: LIBSVM's epsilon-SVR decision
 * function f(x) = sum_i coef_i exp(-gamma |x_i - x|²) - rho (Chang and Lin, ACM TIST 2011), applied to
 * features scaled like LIBSVM's svm-scale (the original BRISQUE's recipe).
 */
import { IqaError, expected } from '../errors.js';

/** svm-scale's linear map of each feature from the training [min, max] to [lower, upper]. */
export interface FeatureScaling {
  lower: number;
  upper: number;
  min: number[];
  max: number[];
}

/** An RBF epsilon-SVR as data: support vectors (already scaled), their coefficients, gamma and rho. */
export interface SvrModel {
  kernel: 'rbf';
  gamma: number;
  rho: number;
  coefficients: number[];
  supportVectors: number[][];
  scaling: FeatureScaling;
}

/**
 * The svm-scale map fitted on `rows`: per feature the minimum and maximum, mapped to [lower, upper].
 *
 * @example
 * const scaling = fitScaling(trainingFeatures); // to [-1, 1]
 */
export function fitScaling(rows: ArrayLike<number>[], lower = -1, upper = 1): FeatureScaling {
  if (rows.length === 0) throw new RangeError(expected('at least one row', 'the rows to scale', rows));
  const d = rows[0]!.length;
  const min = Array.from({ length: d }, () => Infinity);
  const max = Array.from({ length: d }, () => -Infinity);
  for (const row of rows) {
    if (row.length !== d) throw new RangeError(expected(`${d} features in every row`, 'a row to scale', row));
    for (let j = 0; j < d; j++) {
      min[j] = Math.min(min[j]!, row[j]!);
      max[j] = Math.max(max[j]!, row[j]!);
    }
  }
  return { lower, upper, min, max };
}

/**
 * Scales one row; a feature that was constant in training maps to 0, as svm-scale leaves it out. Values are not
 * clipped.
 */
export function applyScaling(row: ArrayLike<number>, scaling: FeatureScaling): number[] {
  const { lower, upper, min, max } = scaling;
  if (row.length !== min.length) throw new RangeError(expected(`${min.length} features`, 'the row to scale', row));
  return Array.from({ length: min.length }, (_, j) => {
    const lo = min[j]!;
    const hi = max[j]!;
    return hi === lo ? 0 : lower + ((upper - lower) * (row[j]! - lo)) / (hi - lo);
  });
}

/** The SVR's output for a row that is already scaled. */
export function svrDecision(scaled: readonly number[], model: SvrModel): number {
  let sum = 0;
  const { supportVectors, coefficients, gamma } = model;
  for (let i = 0; i < supportVectors.length; i++) {
    const sv = supportVectors[i]!;
    let d2 = 0;
    for (let j = 0; j < sv.length; j++) {
      const t = sv[j]! - scaled[j]!;
      d2 += t * t;
    }
    sum += coefficients[i]! * Math.exp(-gamma * d2);
  }
  return sum - model.rho;
}

/**
 * Checks the shape of an `SvrModel` read from a file; throws `IqaError('INVALID_ARGUMENT')` naming the first problem.
 */
export function assertSvrModel(model: SvrModel, name = 'the SVR model'): void {
  const fail = (what: string, field: string, got: unknown): never => {
    throw new IqaError('INVALID_ARGUMENT', expected(what, `${name}.${field}`, got));
  };
  if (model?.kernel !== 'rbf') fail('"rbf"', 'kernel', model?.kernel);
  if (!(model.gamma > 0)) fail('a positive number', 'gamma', model.gamma);
  if (!Number.isFinite(model.rho)) fail('a finite number', 'rho', model.rho);
  const d = model.scaling?.min?.length;
  if (!d || model.scaling.max?.length !== d) fail('min and max of equal, non-zero length', 'scaling', model.scaling);
  if (!Array.isArray(model.supportVectors) || model.supportVectors.length !== model.coefficients?.length) {
    fail(`one coefficient per support vector`, 'coefficients', model.coefficients);
  }
  const bad = model.supportVectors.findIndex((sv) => sv.length !== d);
  if (bad >= 0) fail(`${d} values`, `supportVectors[${bad}]`, model.supportVectors[bad]);
}

/**
 * Predicts with an SVR model: scales `features` with the model's scaling, then applies the decision function.
 *
 * @example
 * const score = predictSvr(brisqueFeatures(image), model);
 */
export function predictSvr(features: ArrayLike<number>, model: SvrModel): number {
  return svrDecision(applyScaling(features, model.scaling), model);
}
