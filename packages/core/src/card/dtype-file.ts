import { IqaError } from '../errors.js';
import type { CardFile, ModelCard } from './types.js';

/** The weight precisions a card can list: `files.onnx` (fp32) and `files.onnxFp16`. */
export const MODEL_DTYPES = ['fp32', 'fp16'] as const;
export type ModelDtype = (typeof MODEL_DTYPES)[number];

/**
 * The card's ONNX file for `dtype` (dtype variants are files beside each other, as in
 * transformers.js), for both runtimes. A card without an fp16 file asked for fp16 is MODEL_NOT_FOUND.
 *
 * @example
 * cardFileFor(card, 'fp16', 'models/mobilenetv2-ml-clive'); // { path: 'model_fp16.onnx', sha256, bytes }
 */
export function cardFileFor(card: ModelCard, dtype: ModelDtype, source: string): CardFile {
  if (dtype === 'fp32') return card.files.onnx;
  if (dtype === 'fp16' && card.files.onnxFp16) return card.files.onnxFp16;
  if (dtype !== 'fp16') throw new RangeError(`Expected one of "fp32", "fp16" for dtype but received ${JSON.stringify(dtype)}`);
  throw new IqaError(
    'MODEL_NOT_FOUND',
    `Expected an fp16 variant (card.files.onnxFp16) for model "${card.id}" in ${source} but its card lists only fp32; use dtype "fp32"`,
  );
}
