/**
 * HOSA's quality score (Xu, Ye, Li, Du, Liu and Doermann, IEEE TIP 2016): the HOSA vector through a linear support
 * vector regression, w.f + b. The model file (`hosa-model.json`) holds the codebook and the regression as data, so
 * the same numbers come out in Node and in a browser.
 */
import { IqaError, expected } from '../errors.js';
import type { RawImage } from '../preprocess/raw-image.js';
import { type HosaCodebook, assertHosaCodebook, hosaFeatureCount, hosaFeatures } from './hosa-features.js';

/** The contents of a `hosa-model.json` file: the codebook and a linear SVR over its K x 3 x B² features. */
export interface HosaModel {
  format: 'iqa-zoo/hosa';
  version: 1;
  codebook: HosaCodebook;
  /** The linear SVR's weights, one per feature (the dual solution folded into the primal). */
  weights: number[];
  bias: number;
}

/**
 * Checks parsed JSON as a HOSA model file and returns it typed.
 * Throws `IqaError('INVALID_ARGUMENT')` naming the first problem.
 *
 * @example
 * const model = parseHosaModel(JSON.parse(await (await fetch(url)).text()));
 */
export function parseHosaModel(json: unknown, name = 'the HOSA model'): HosaModel {
  const m = json as HosaModel;
  if (m?.format !== 'iqa-zoo/hosa')
    throw new IqaError('INVALID_ARGUMENT', expected('"iqa-zoo/hosa"', `${name}.format`, m?.format));
  if (m.version !== 1) throw new IqaError('INVALID_ARGUMENT', expected('1', `${name}.version`, m.version));
  assertHosaCodebook(m.codebook, `${name}.codebook`);
  const n = hosaFeatureCount(m.codebook);
  if (!Array.isArray(m.weights) || m.weights.length !== n || !m.weights.every(Number.isFinite))
    throw new IqaError('INVALID_ARGUMENT', expected(`${n} finite weights`, `${name}.weights`, m.weights));
  if (!Number.isFinite(m.bias))
    throw new IqaError('INVALID_ARGUMENT', expected('a finite number', `${name}.bias`, m.bias));
  return m;
}

/**
 * The model's score for a HOSA vector (on the MOS scale the SVR was fitted to; not clipped).
 *
 * @example
 * const score = hosaScore(hosaFeatures(image, model.codebook), model);
 */
export function hosaScore(features: ArrayLike<number>, model: Pick<HosaModel, 'weights' | 'bias'>): number {
  if (features.length !== model.weights.length)
    throw new RangeError(expected(`${model.weights.length} HOSA features`, 'features', features));
  let sum = 0;
  for (let i = 0; i < features.length; i++) sum += model.weights[i]! * features[i]!;
  return sum + model.bias;
}

/**
 * Features and score of one image in one call.
 *
 * @example
 * const score = scoreHosa(rgb, model);
 */
export function scoreHosa(image: RawImage, model: HosaModel): number {
  return hosaScore(hosaFeatures(image, model.codebook), model);
}
