/**
 * Synthetic distortions of RankIQA's LIVE and TID2013 generators, in TypeScript.
 * Pure functions of (RGB image, level, seed); levels run from mild (1) to severe.
 */

// Registry
export {
  distort,
  distortLevels,
  getDistortion,
  getDistortionSet,
  checkLevel,
  DISTORTIONS,
  DISTORTION_SETS,
} from './registry.js';
export type { DistortionSetName, DistortionSpec, DistortionType, BoundDistortion, RgbImage } from './types.js';

// Building blocks
export { gaussianBlur, gaussianKernel } from './blur.js';
export { encodeJpeg, decodeToRgb, jpegRoundTrip } from './jpeg.js';
export { encodeJpeg2000, decodeJpeg2000, jpeg2000RoundTrip } from './jpeg2000.js';
export { multiOtsu } from './quantization.js';
export { nonLocalMeans } from './denoise.js';
export { buildPalette, ditherToPalette } from './colour-quantization.js';
export { rankiqaHighPass } from './high-frequency-noise.js';
export { planFft } from './fft.js';
export { psnr } from './psnr.js';
