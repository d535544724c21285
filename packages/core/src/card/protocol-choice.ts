import { expected } from '../errors.js';
import type { CardInput, ModelCard } from './types.js';

/** A caller's change to the card's test protocol (crops protocol only). */
export interface ProtocolChoice {
  /** How many crops to average (default: the card's `protocol.count`). The first N of the card's seeded draw. */
  crops?: number;
  /** Seed of the crop placement (default: the card's `protocol.seed`); for measuring the spread the draw causes. */
  cropSeed?: number;
}

/**
 * The card's `input` with the crop count (and seed) a caller chose, so scoring with fewer crops is a
 * choice, not a fork of the model. With the same seed, N crops are the first N of the card's draw.
 * A model whose protocol is `full` has no crops to choose: `crops` there is a RangeError.
 *
 * @example
 * const input = chooseProtocol(card, { crops: 8 });
 * // { ...card.input, protocol: { kind: 'crops', count: 8, size: 224, seed: 0 } }
 * preprocess(rgba, input).dims; // [8, 3, 224, 224]
 */
export function chooseProtocol<C extends Pick<ModelCard, 'id' | 'input'>>(
  card: C,
  choice: ProtocolChoice = {},
): C['input'] {
  const { crops, cropSeed } = choice;
  if (crops === undefined && cropSeed === undefined) return card.input;
  if (crops !== undefined && (!Number.isInteger(crops) || crops < 1 || crops > 1024)) {
    throw new RangeError(expected('integer from 1 to 1024', 'crops', crops));
  }
  if (cropSeed !== undefined && (!Number.isInteger(cropSeed) || cropSeed < 0))
    throw new RangeError(expected('non-negative integer', 'cropSeed', cropSeed));
  const p = card.input.protocol;
  if (p.kind !== 'crops') {
    throw new RangeError(
      `Expected a model whose card protocol is "crops" for crops/cropSeed but "${card.id}" scores ${
        p.kind === 'patches' ? `every ${p.size}px patch` : 'the whole image'
      } (protocol "${p.kind}")`,
    );
  }
  // Only a pixel input (CardInput) has a crops protocol.
  const input: CardInput = {
    ...(card.input as CardInput),
    protocol: { ...p, count: crops ?? p.count, seed: cropSeed ?? p.seed },
  };
  return input;
}
