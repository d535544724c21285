import type { RawImage } from '@iqa-zoo/core';

/**
 * RankIQA's two distortion sets, LIVE (4 types x 5 levels) and TID2013 (17 types x 4 levels), and `wide` (LIVE's and 3
 * extremes).
 */
export type DistortionSetName = 'live' | 'tid2013' | 'wide';

/** An 8-bit interleaved RGB image (`channels: 3`), the input and output of every distortion. */
export type RgbImage = RawImage & { channels: 3 };

/** What to apply: a registered type, a level (1 = mildest) and a seed for the random types. */
export interface DistortionSpec {
  /** A registered type name, e.g. `'gblur'` or `'tid01-awgn'`. */
  type: string;
  /** 1 (mildest) ... number of levels of the type (most severe). */
  level: number;
  /** Seed of the random types (noise, patch positions); ignored by deterministic ones. Default 0. */
  seed?: number;
}

/**
 * Applies one type at one parameter value. `bind` does the work shared by all levels of one
 * (image, seed) once, e.g. drawing the noise field or the FFT, and returns the per-level function.
 */
export type BoundDistortion = (value: number) => RgbImage | Promise<RgbImage>;

/** A registered distortion type: its data (name, set, parameter per level) and its implementation. */
export interface DistortionType {
  /** Stable name used in files, manifests and on the command line. */
  readonly name: string;
  /** The set it was registered with (`wide` also holds LIVE's types). */
  readonly set: DistortionSetName;
  /** TID2013 type number, when it comes from TID2013. */
  readonly tid?: number;
  /** One line for people. */
  readonly title: string;
  /** The parameter name and unit, e.g. `'hsize (px)'`. */
  readonly parameter: string;
  /** The parameter of each level, mildest first. */
  readonly values: readonly number[];
  /** True when the output depends on the seed. */
  readonly random: boolean;
  /** Prepares the image and seed once, returns the function of the level parameter. */
  bind(image: RgbImage, seed: number): BoundDistortion;
}
