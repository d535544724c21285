/**
 * Variants of a ranking reference (issue 20): more ladders from each pristine crop, made from a
 * changed copy of it that is clean in its own ladder. A `smooth` copy (the crop under a wide Gaussian)
 * looks like smooth digital art or a defocused background: its JPEG and noise levels must rank below
 * it, so a smooth image and an image whose detail was removed are told apart by what was added. A
 * `grey` copy (BT.601 luma in all three channels, every level made grey again after distorting, so
 * its noise is grey too) covers black-and-white photos and grey textures, where light noise can read
 * as more texture. An `anchored` variant's copy is an anchor in the ranking hinge: only its distorted
 * levels move, so its ladders teach that a distortion of the copy is worse than the copy without also
 * teaching that the copy itself is good (a smooth copy pushed up would undo the blur ladders).
 */
import { describeValue, IqaError } from '@iqa-zoo/core';
import { gaussianBlur } from '../distortions/blur.js';
import type { RgbImage } from '../distortions/types.js';

/** One variant of every reference crop; `types` default to all of the ladder set's types. */
export type LadderVariant = (
  | { kind: 'grey'; types?: string[] }
  | { kind: 'smooth'; sigma: number; types?: string[] }
) & { anchored?: boolean };

/** The variant as its cache entries are keyed: without `anchored`, which changes the loss, not the rows. */
export function variantKey(variant: LadderVariant): Omit<LadderVariant, 'anchored'> {
  const { anchored: _, ...key } = variant;
  return key;
}

/** The copy of `crop` that heads a variant's ladders (level 0). */
export function variantReference(crop: RgbImage, variant: LadderVariant): RgbImage {
  if (variant.kind === 'grey') return toGrey(crop);
  return gaussianBlur(crop, 2 * Math.ceil(3 * variant.sigma) + 1, variant.sigma);
}

/** A distorted level of a variant's reference, made grey again for `grey` so every level stays grey. */
export function variantLevel(level: RgbImage, variant: LadderVariant): RgbImage {
  return variant.kind === 'grey' ? toGrey(level) : level;
}

/** BT.601 luma, rounded, in all three channels. */
export function toGrey(image: RgbImage): RgbImage {
  const { data, width, height } = image;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i += 3) {
    const y = Math.round(0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!);
    out[i] = y;
    out[i + 1] = y;
    out[i + 2] = y;
  }
  return { data: out, width, height, channels: 3 };
}

/**
 * Checks a rank config's `variants` against the set's types; throws an `INVALID_ARGUMENT` naming
 * the file and what was received.
 */
export function checkLadderVariants(value: unknown, setTypes: readonly string[], file: string): void {
  if (value === undefined) return;
  const bad = (what: string, got: unknown) =>
    new IqaError(
      'INVALID_ARGUMENT',
      `Invalid training config ${file}: expected ${what} but received ${describeValue(got)}`,
    );
  if (!Array.isArray(value)) throw bad('an array of { "kind": "grey" | "smooth", ... } for "variants"', value);
  value.forEach((v: Record<string, unknown>, i) => {
    const at = `"variants[${i}]"`;
    if (typeof v !== 'object' || v === null || (v.kind !== 'grey' && v.kind !== 'smooth'))
      throw bad(`{ "kind": "grey" } or { "kind": "smooth", "sigma" } for ${at}`, v);
    if (v.kind === 'smooth' && !(typeof v.sigma === 'number' && v.sigma > 0))
      throw bad(`a positive "sigma" (pixels) for ${at}`, v.sigma);
    if (v.anchored !== undefined && typeof v.anchored !== 'boolean')
      throw bad(`true or false for ${at}.anchored`, v.anchored);
    const known = new Set(v.kind === 'smooth' ? ['kind', 'sigma', 'types', 'anchored'] : ['kind', 'types', 'anchored']);
    const extra = Object.keys(v).filter((k) => !known.has(k));
    if (extra.length > 0) throw bad(`only ${[...known].join(', ')} in ${at}`, extra.join(', '));
    if (v.types !== undefined) {
      const types = v.types as unknown[];
      const unknown = Array.isArray(types) ? types.filter((t) => !setTypes.includes(t as string)) : [types];
      if (!Array.isArray(types) || types.length === 0 || unknown.length > 0)
        throw bad(`a non-empty list of the set's types (${setTypes.join(', ')}) for ${at}.types`, v.types);
    }
  });
}
