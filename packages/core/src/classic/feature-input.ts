/**
 * The model input of a classic card: `layout: 'features'`, the features computed here, in core, so Node and
 * the browser feed the ONNX graph the same numbers from the same pixels; or `layout: 'NHWC'`, the image's own
 * pixels for a graph that computes everything.
 */
import type { FeatureCardInput, PixelGraphInput } from '../card/types.js';
import { IqaError, expected } from '../errors.js';
import { type BufferPool, float32Buffer } from '../preprocess/buffer-pool.js';
import type { TensorData } from '../preprocess/to-tensor.js';
import { type RawImage, assertRawImage, toRgb, withRgb } from '../preprocess/raw-image.js';
import { BRISQUE_FEATURE_COUNT, brisqueFeatures } from './brisque-features.js';

function checkMinSize({ width, height }: RawImage, minSize: number): void {
  if (Math.min(width, height) < minSize) {
    throw new IqaError(
      'IMAGE_TOO_SMALL',
      `Expected an image at least ${minSize}x${minSize} pixels but received ${width}x${height}; this model's card ` +
        `refuses smaller images`,
    );
  }
}

/**
 * The `[1, H, W, 3]` float32 RGB levels (0..255) of one image for a classic model's pixel graph (`layout: 'NHWC'`):
 * the whole image, alpha composited onto white. Throws `IqaError('IMAGE_TOO_SMALL')` below the card's `minSize`
 * and `IqaError('UNSUPPORTED_IMAGE')` for a single-colour image (BRISQUE's fits and HOSA's normalised patches need
 * contrast; the graph would give NaN).
 *
 * With `pool`, the tensor's buffer (and the RGB copy of a grey or RGBA image) come from it; the caller gives the
 * tensor's buffer back once the run is over.
 *
 * @example
 * const t = pixelGraphTensor(rgba, card.input); // dims [1, 375, 500, 3]
 */
export function pixelGraphTensor(image: RawImage, input: PixelGraphInput, pool?: BufferPool): TensorData {
  assertRawImage(image);
  checkMinSize(image, input.minSize);
  return withRgb(image, pool, (rgb) => {
    const src = rgb.data;
    let flat = true;
    for (let i = 3; i < src.length && flat; i += 3)
      flat = src[i] === src[0] && src[i + 1] === src[1] && src[i + 2] === src[2];
    if (flat) {
      throw new IqaError(
        'UNSUPPORTED_IMAGE',
        `Expected an image with some contrast for this model's ${input.protocol.kind} statistics but received a ` +
          `single-colour ${rgb.width}x${rgb.height} image`,
      );
    }
    const data = float32Buffer(pool, src.length);
    data.set(src);
    return { data, dims: [1, rgb.height, rgb.width, 3] };
  });
}

/**
 * The `[1, 36]` float32 BRISQUE feature tensor of one image, as the card's `brisque` protocol says
 * (the whole image and its half-scale copy; OpenCV's grey conversion; RGBA composited onto white first). Throws
 * `IqaError('IMAGE_TOO_SMALL')`
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
  checkMinSize(image, input.minSize);
  // Alpha is composited onto white, as for every zoo model: a canvas premultiplies alpha and loses the RGB under
  // transparent pixels, so only the composite is the same in Node and the browser (OpenCV's BGRA2GRAY ignores alpha).
  const pixels = image.channels === 4 ? toRgb(image) : image;
  return { data: Float32Array.from(brisqueFeatures(pixels)), dims: [1, BRISQUE_FEATURE_COUNT] };
}
