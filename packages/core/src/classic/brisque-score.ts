/**
 * BRISQUE's quality score (Mittal, Moorthy and Bovik, IEEE TIP 2012, section IV): the 36 features, scaled as
 * in training, through the fitted RBF SVR. The model is data (`brisque-svr.json`), so the same numbers come
 * out in Node and in a browser.
 */
import { IqaError, expected } from '../errors.js';
import type { RawImage } from '../preprocess/raw-image.js';
import { BRISQUE_FEATURE_COUNT, brisqueFeatures } from './brisque-features.js';
import { type SvrModel, assertSvrModel, predictSvr } from './svr-model.js';

/** The contents of a `brisque-svr.json` model file: an SvrModel over the 36 BRISQUE features. */
export interface BrisqueModel extends SvrModel {
  format: 'iqa-zoo/brisque-svr';
  version: 1;
  features: 'brisque-36';
}

/**
 * Checks parsed JSON as a BRISQUE model file and returns it typed.
 * Throws `IqaError('INVALID_ARGUMENT')` naming the first problem.
 *
 * @example
 * const model = parseBrisqueModel(JSON.parse(await (await fetch(url)).text()));
 */
export function parseBrisqueModel(json: unknown, name = 'the BRISQUE model'): BrisqueModel {
  const m = json as BrisqueModel;
  if (m?.format !== 'iqa-zoo/brisque-svr')
    throw new IqaError('INVALID_ARGUMENT', expected('"iqa-zoo/brisque-svr"', `${name}.format`, m?.format));
  if (m.version !== 1) throw new IqaError('INVALID_ARGUMENT', expected('1', `${name}.version`, m.version));
  if (m.features !== 'brisque-36')
    throw new IqaError('INVALID_ARGUMENT', expected('"brisque-36"', `${name}.features`, m.features));
  assertSvrModel(m, name);
  if (m.scaling.min.length !== BRISQUE_FEATURE_COUNT) {
    throw new IqaError(
      'INVALID_ARGUMENT',
      expected(`${BRISQUE_FEATURE_COUNT} scaled features`, `${name}.scaling.min`, m.scaling.min),
    );
  }
  return m;
}

/**
 * The model's score for 36 BRISQUE features (on the MOS scale the SVR was fitted to; not clipped).
 *
 * @example
 * const score = brisqueScore(brisqueFeatures(image), model);
 */
export function brisqueScore(features: ArrayLike<number>, model: SvrModel): number {
  if (features.length !== BRISQUE_FEATURE_COUNT)
    throw new RangeError(expected(`${BRISQUE_FEATURE_COUNT} BRISQUE features`, 'features', features));
  return predictSvr(features, model);
}

/**
 * Features and score of one image in one call.
 *
 * @example
 * const score = scoreBrisque(rgba, model);
 */
export function scoreBrisque(image: RawImage, model: SvrModel): number {
  return brisqueScore(brisqueFeatures(image), model);
}
