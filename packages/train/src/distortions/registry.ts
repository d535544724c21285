/**
 * The distortion registry: every type of RankIQA's LIVE and TID2013 generators by a stable name,
 * with its parameter per level, and `distort()` to apply one.
 */
import { assertRawImage, toRgb, type RawImage } from '@iqa-zoo/core';
import { gaussianBlur } from './blur.js';
import { chromaticAberration } from './chromatic-aberration.js';
import { colourQuantization } from './colour-quantization.js';
import { bindDenoising } from './denoise.js';
import { bindHighFrequencyNoise } from './high-frequency-noise.js';
import { jpegRoundTrip } from './jpeg.js';
import { jpeg2000RoundTrip } from './jpeg2000.js';
import { bindBlockWise, bindPatternNoise } from './local-patches.js';
import { bindColourNoise, bindGaussianNoise, bindImpulseNoise, bindMultiplicativeNoise } from './noise.js';
import { bindQuantization } from './quantization.js';
import { colourSaturation, contrastChange, exposureGain, flatten, meanShift } from './tone.js';
import type { BoundDistortion, DistortionSetName, DistortionSpec, DistortionType, RgbImage } from './types.js';

type Def = Omit<DistortionType, 'set' | 'bind' | 'random'> & {
  random?: boolean;
  bind(image: RgbImage, seed: number): BoundDistortion;
};

/** A deterministic type: the same function for every (image, seed). */
const pure =
  (f: (image: RgbImage, value: number) => RgbImage | Promise<RgbImage>) =>
  (image: RgbImage): BoundDistortion =>
  (v) =>
    f(image, v);

const blurHsize = [7, 15, 39, 91, 199];
const blur = pure((img, hsize) => gaussianBlur(img, hsize, hsize / 6));
const jpegQuality = [43, 12, 7, 4, 0];
const jp2kBpp = [0.46, 0.16, 0.07, 0.04, 0.02];
const noiseVariance = [0.001, 0.005, 0.01, 0.05];

const LIVE: Def[] = [
  {
    name: 'gblur',
    title: 'Gaussian blur, fspecial(gaussian, hsize, hsize/6), symmetric borders',
    parameter: 'hsize (px)',
    values: blurHsize,
    bind: blur,
  },
  {
    name: 'wn',
    title: 'white Gaussian noise, zero mean, clipped',
    parameter: 'variance on [0,1]',
    values: [-10, -7.5, -5.5, -3.5, 0].map((e) => 2 ** e),
    random: true,
    bind: (i, s) => bindGaussianNoise(i, s),
  },
  {
    name: 'jpeg',
    title: 'JPEG (sharp/libjpeg-turbo, 4:2:0); quality 0 = lowest (1)',
    parameter: 'quality',
    values: jpegQuality,
    bind: pure(jpegRoundTrip),
  },
  {
    name: 'jp2k',
    title: 'JPEG 2000 (OpenJPEG wasm, 9/7 wavelet), compression ratio 24/bpp',
    parameter: 'bits per pixel',
    values: jp2kBpp,
    bind: pure(jpeg2000RoundTrip),
  },
];

const TID: Def[] = [
  {
    name: 'tid01-awgn',
    tid: 1,
    title: 'additive Gaussian noise',
    parameter: 'variance on [0,1]',
    values: noiseVariance,
    random: true,
    bind: (i, s) => bindGaussianNoise(i, s),
  },
  {
    name: 'tid02-colour-noise',
    tid: 2,
    title: 'Gaussian noise added in YCbCr',
    parameter: 'variance on [0,1]',
    values: [0.014, 0.0198, 0.0343, 0.0524],
    random: true,
    bind: bindColourNoise,
  },
  {
    name: 'tid05-hf-noise',
    tid: 5,
    title: 'high-frequency noise (RankIQA HighFN: FFT Gaussian filter, cut-off 10, then noise)',
    parameter: 'variance on [0,1]',
    values: noiseVariance,
    random: true,
    bind: bindHighFrequencyNoise,
  },
  {
    name: 'tid06-impulse',
    tid: 6,
    title: 'impulse (salt and pepper) noise',
    parameter: 'density',
    values: [0.005, 0.01, 0.05, 0.1],
    random: true,
    bind: bindImpulseNoise,
  },
  {
    name: 'tid07-quantization',
    tid: 7,
    title: 'quantisation noise, multi-level Otsu thresholds',
    parameter: 'thresholds',
    values: [27, 39, 55, 76].map((d) => Math.round(255 / d)),
    bind: bindQuantization,
  },
  {
    name: 'tid08-gblur',
    tid: 8,
    title: 'Gaussian blur (LIVE levels 1-4)',
    parameter: 'hsize (px)',
    values: blurHsize.slice(0, 4),
    bind: blur,
  },
  {
    name: 'tid09-denoise',
    tid: 9,
    title: 'image denoising: Gaussian noise removed by non-local means',
    parameter: 'variance on [0,1]',
    values: noiseVariance,
    random: true,
    bind: bindDenoising,
  },
  {
    name: 'tid10-jpeg',
    tid: 10,
    title: 'JPEG compression',
    parameter: 'quality',
    values: jpegQuality.slice(0, 4),
    bind: pure(jpegRoundTrip),
  },
  {
    name: 'tid11-jp2k',
    tid: 11,
    title: 'JPEG 2000 compression',
    parameter: 'bits per pixel',
    values: jp2kBpp.slice(0, 4),
    bind: pure(jpeg2000RoundTrip),
  },
  {
    name: 'tid14-pattern',
    tid: 14,
    title: 'non-eccentricity pattern noise: 15x15 patches replaced by the patch 5 px down-right',
    parameter: 'patches',
    values: [30, 70, 150, 300],
    random: true,
    bind: (i, s) => bindPatternNoise(i, s),
  },
  {
    name: 'tid15-blocks',
    tid: 15,
    title: 'local block-wise distortion: 32x32 blocks of the mean colour',
    parameter: 'blocks',
    values: [2, 4, 8, 16],
    random: true,
    bind: (i, s) => bindBlockWise(i, s),
  },
  {
    name: 'tid16-mean-shift',
    tid: 16,
    title: 'mean shift (brighter), clipped',
    parameter: 'shift (0-255)',
    values: [15, 30, 45, 60],
    bind: pure(meanShift),
  },
  {
    name: 'tid17-contrast',
    tid: 17,
    title: 'contrast change: pixel values scaled',
    parameter: 'factor',
    values: [0.85, 0.7, 0.55, 0.4],
    bind: pure(contrastChange),
  },
  {
    name: 'tid18-saturation',
    tid: 18,
    title: 'colour saturation: Cb, Cr scaled around neutral',
    parameter: 'factor',
    values: [0.4, 0, -0.4, -0.8],
    bind: pure(colourSaturation),
  },
  {
    name: 'tid19-mult-noise',
    tid: 19,
    title: 'multiplicative Gaussian noise per channel',
    parameter: 's in (1 + s N(0,1))',
    values: [0.05, 0.09, 0.13, 0.2],
    random: true,
    bind: bindMultiplicativeNoise,
  },
  {
    name: 'tid22-colour-quant',
    tid: 22,
    title: 'colour quantisation with Floyd-Steinberg dither',
    parameter: 'colours',
    values: [64, 32, 16, 8],
    bind: pure(colourQuantization),
  },
  {
    name: 'tid23-chromatic',
    tid: 23,
    title: 'chromatic aberration: red shifted s px, blue s/2, 3x3 Gaussian',
    parameter: 'shift (px)',
    values: [2, 6, 10, 14],
    bind: pure(chromaticAberration),
  },
];

/**
 * Not RankIQA's: LIVE's four types plus three ladders that end in a blank image (over- and
 * under-exposure, contrast flattened to the mean colour), so that ranking also reaches the
 * extremes a quality screen meets (a white, black or flat frame) and not only the sets' ranges.
 */
const WIDE_EXTRA: Def[] = [
  {
    name: 'over-exposure',
    title: 'over-exposure: pixel values multiplied by a gain above 1, clipped',
    parameter: 'gain',
    values: [1.3, 1.7, 2.3, 3.2, 6],
    bind: pure(exposureGain),
  },
  {
    name: 'under-exposure',
    title: 'under-exposure: pixel values multiplied by a gain below 1',
    parameter: 'gain',
    values: [0.6, 0.4, 0.25, 0.12, 0.04],
    bind: pure(exposureGain),
  },
  {
    name: 'flatten',
    title: 'contrast flattened towards the mean colour, m + (v - m) x factor; 0 is a flat image',
    parameter: 'factor',
    values: [0.55, 0.3, 0.15, 0.06, 0],
    bind: pure(flatten),
  },
];

function register(set: DistortionSetName, defs: Def[]): DistortionType[] {
  return defs.map((d) => Object.freeze({ ...d, set, random: d.random ?? false, values: Object.freeze([...d.values]) }));
}

/** Every registered type by name. */
export const DISTORTIONS: Readonly<Record<string, DistortionType>> = Object.freeze(
  Object.fromEntries(
    [...register('live', LIVE), ...register('tid2013', TID), ...register('wide', WIDE_EXTRA)].map((d) => [d.name, d]),
  ),
);

/**
 * The type names of each set, in order: 'live' (4 x 5 levels), 'tid2013' (17 x 4 levels) and 'wide' (LIVE's 4 and 3
 * extremes, 7 x 5 levels).
 */
export const DISTORTION_SETS: Readonly<Record<DistortionSetName, readonly string[]>> = Object.freeze({
  live: Object.freeze(LIVE.map((d) => d.name)),
  tid2013: Object.freeze(TID.map((d) => d.name)),
  wide: Object.freeze([...LIVE, ...WIDE_EXTRA].map((d) => d.name)),
});

const quoteList = (xs: readonly (string | number)[]): string =>
  xs.map((x) => (typeof x === 'string' ? `'${x}'` : String(x))).join(', ');

/**
 * Looks a type up by name; an unknown name throws a RangeError listing the known ones.
 *
 * @example
 * getDistortion('gblur').values; // [7, 15, 39, 91, 199]
 */
export function getDistortion(type: string): DistortionType {
  const d = typeof type === 'string' ? DISTORTIONS[type] : undefined;
  if (!d) {
    throw new RangeError(
      `Expected a distortion type (one of ${quoteList(Object.keys(DISTORTIONS))}) for type but received ` +
        `${JSON.stringify(type)}`,
    );
  }
  return d;
}

/** Checks that `level` is an integer in 1..levels of `type`; throws a RangeError listing them. */
export function checkLevel(type: DistortionType, level: unknown): number {
  const allowed = type.values.map((_, i) => i + 1);
  if (typeof level !== 'number' || !allowed.includes(level)) {
    throw new RangeError(
      `Expected a level of '${type.name}' (one of ${quoteList(allowed)}) for level but received ` +
        `${typeof level === 'string' ? JSON.stringify(level) : String(level)}`,
    );
  }
  return level;
}

/** Looks up a set by name; an unknown one throws a RangeError listing the sets. */
export function getDistortionSet(set: string): readonly string[] {
  const types = DISTORTION_SETS[set as DistortionSetName];
  if (!types || !Object.hasOwn(DISTORTION_SETS, set)) {
    throw new RangeError(
      `Expected a distortion set (one of ${quoteList(Object.keys(DISTORTION_SETS))}) for set but received ` +
        `${JSON.stringify(set)}`,
    );
  }
  return types;
}

function seedOf(seed: unknown): number {
  if (seed === undefined) return 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed))
    throw new TypeError(`Expected an integer for seed but received ${String(seed)}`);
  return seed >>> 0;
}

function asRgb(image: RawImage): RgbImage {
  assertRawImage(image);
  return toRgb(image) as RgbImage;
}

/**
 * Applies one distortion. Grey and RGBA inputs are converted to RGB first (core's `toRgb`).
 * The output is a new RGB image of the same size. Pure: the same (image, spec) gives the same bytes.
 *
 * @example
 * const worse = await distort(image, { type: 'jp2k', level: 3, seed: 7 });
 */
export async function distort(image: RawImage, spec: DistortionSpec): Promise<RgbImage> {
  const type = getDistortion(spec?.type);
  const level = checkLevel(type, spec.level);
  return type.bind(asRgb(image), seedOf(spec.seed))(type.values[level - 1]!);
}

/**
 * Applies every requested level of one type to one image, sharing the per-image work (the noise
 * field, the FFT, the histogram) between levels. Returns the images in the order of `levels`.
 *
 * @example
 * const [mild, ..., severe] = await distortLevels(image, 'tid01-awgn', { seed: 1 });
 */
export async function distortLevels(
  image: RawImage,
  typeName: string,
  options: { seed?: number; levels?: readonly number[] } = {},
): Promise<RgbImage[]> {
  const type = getDistortion(typeName);
  const levels = options.levels ?? type.values.map((_, i) => i + 1);
  for (const l of levels) checkLevel(type, l);
  const apply = type.bind(asRgb(image), seedOf(options.seed));
  const out: RgbImage[] = [];
  for (const l of levels) out.push(await apply(type.values[l - 1]!));
  return out;
}
