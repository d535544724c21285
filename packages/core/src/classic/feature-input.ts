/**
 * The model input of a classic card (`input.layout: 'features'`): the features computed here, in core, so
 * Node and the browser feed the ONNX graph the same numbers from the same pixels.
 */
import type { FeatureCardInput } from '../card/types.js';
import { IqaError, expected } from '../errors.js';
import type { TensorData } from '../preprocess/to-tensor.js';
import { type RawImage, assertRawImage, toRgb } from '../preprocess/raw-image.js';
import { BRISQUE_FEATURE_COUNT, brisqueFeatures } from './brisque-features.js';

/**
 * The `[1, 36]` float32 BRISQUE feature tensor of one image, as the card's `brisque` protocol says
 * (the whole image and its half-scale copy; OpenCV's grey conversion; RGBA composited onto white first). Throws `IqaError('IMAGE_TOO_SMALL')`
 * below the card's `minSize` and `IqaError('UNSUPPORTED_IMAGE')` for a flat image.
 *
 * @example
 * const t = featureTensor(rgba, card.input); // { data: Float32Array(36), dims: [1, 36] }
 */
export function featureTensor(image: RawImage, input: FeatureCardInput): TensorData {
  assertRawImage(image);
  if (input.features !== 'brisque-36') {
    throw new IqaError('INVALID_CARD', expected('"brisque-36"', 'card.input.features', input.features));
  }
  const { width, height } = image;
  if (Math.min(width, height) < input.minSize) {
    throw new IqaError(
      'IMAGE_TOO_SMALL',
      `Expected an image at least ${input.minSize}x${input.minSize} pixels but received ${width}x${height}; this model's card refuses smaller images`,
    );
  }
  // Alpha is composited onto white, as for every zoo model: a canvas premultiplies alpha and loses the RGB under
  // transparent pixels, so only the composite is the same in Node and the browser (OpenCV's BGRA2GRAY ignores alpha).
  const pixels = image.channels === 4 ? toRgb(image) : image;
  return { data: Float32Array.from(brisqueFeatures(pixels)), dims: [1, BRISQUE_FEATURE_COUNT] };
}
