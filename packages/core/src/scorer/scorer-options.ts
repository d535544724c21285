import { MODEL_DTYPES, type ModelDtype } from '../card/dtype-file.js';
import { type ProtocolChoice, chooseProtocol } from '../card/protocol-choice.js';
import type { CardPreset, ModelCard } from '../card/types.js';
import { expected } from '../errors.js';

/** `createScorer`'s choices that mean the same in both runtimes. */
export interface ScoringChoice extends ProtocolChoice {
  /** Which ONNX file of the card (default: the fast preset's, else `fp32`). */
  dtype?: ModelDtype;
  /** `fast`: the card's `presets.fast`; `default`: its protocol. */
  preset?: 'default' | 'fast';
}

const PRESETS = ['default', 'fast'];

/**
 * Checks the options both runtimes share: an object; `dtype` and `preset` among the allowed values
 * (RangeError); `onProgress` and `fetch` functions when given (TypeError). `crops` and `cropSeed` are
 * checked against the card by `chooseProtocol`.
 *
 * @example
 * checkScorerOptions({ dtype: 'int8' });
 * // RangeError: Expected one of fp32, fp16, q8 for options.dtype but received "int8"
 */
export function checkScorerOptions(options: unknown): asserts options is ScoringChoice {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(expected('an options object', 'options', options));
  }
  const o = options as ScoringChoice & { onProgress?: unknown; fetch?: unknown };
  if (o.dtype !== undefined && !MODEL_DTYPES.includes(o.dtype)) {
    throw new RangeError(expected(`one of ${MODEL_DTYPES.join(', ')}`, 'options.dtype', o.dtype));
  }
  if (o.preset !== undefined && !PRESETS.includes(o.preset)) {
    throw new RangeError(expected(`one of ${PRESETS.join(', ')}`, 'options.preset', o.preset));
  }
  for (const key of ['onProgress', 'fetch'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'function') {
      throw new TypeError(expected('a function', `options.${key}`, o[key]));
    }
  }
}

/**
 * What a scorer runs for `card`: the fast preset (asked for and on the card), the dtype to load (asked
 * for, else the preset's, else `fp32`) and the card images are cut by (`crops` asked for, else the
 * preset's; `cropSeed`). Only how images are cut changes; a scorer's `card` stays the model's own.
 *
 * @example
 * const { dtype, card: cutBy } = scoringChoice(card, { preset: 'fast' }); // card.presets.fast's dtype and crops
 */
export function scoringChoice(
  card: ModelCard,
  choice: ScoringChoice,
): { fast?: CardPreset; dtype: ModelDtype; card: ModelCard } {
  const fast = choice.preset === 'fast' ? card.presets?.fast : undefined;
  const input = chooseProtocol(card, { crops: choice.crops ?? fast?.crops, cropSeed: choice.cropSeed });
  return { fast, dtype: choice.dtype ?? fast?.dtype ?? 'fp32', card: { ...card, input } };
}
