import { IqaError } from '../errors.js';
import type { CardFile, CardFiles, ModelCard } from './types.js';

/**
 * The weight precisions a card can list: `files.onnx` (fp32), `files.onnxFp16` (fp16) and
 * `files.onnxQ8` (q8: int8 weights and activations, as transformers.js names `model_q8.onnx`).
 */
export const MODEL_DTYPES = ['fp32', 'fp16', 'q8'] as const;
export type ModelDtype = (typeof MODEL_DTYPES)[number];

/** The card field that lists each dtype's file. */
export const DTYPE_FILE_KEYS: Record<ModelDtype, keyof Pick<CardFiles, 'onnx' | 'onnxFp16' | 'onnxQ8'>> = {
  fp32: 'onnx',
  fp16: 'onnxFp16',
  q8: 'onnxQ8',
};

/**
 * The card's ONNX file for `dtype` (dtype variants are files beside each other, as in
 * transformers.js), for both runtimes. A card without the variant asked for is MODEL_NOT_FOUND
 * naming the dtypes it has.
 *
 * @example
 * cardFileFor(card, 'fp16', 'models/mobilenetv2-ml-clive'); // { path: 'model_fp16.onnx', sha256, bytes }
 */
export function cardFileFor(card: ModelCard, dtype: ModelDtype, source: string): CardFile {
  if (!MODEL_DTYPES.includes(dtype)) {
    throw new RangeError(
      `Expected one of ${MODEL_DTYPES.map((d) => JSON.stringify(d)).join(', ')} for dtype but received ` +
        `${JSON.stringify(dtype)}`,
    );
  }
  const key = DTYPE_FILE_KEYS[dtype];
  const file = card.files[key];
  if (file) return file;
  const has = MODEL_DTYPES.filter((d) => card.files[DTYPE_FILE_KEYS[d]]);
  throw new IqaError(
    'MODEL_NOT_FOUND',
    `Expected ${dtype === 'q8' ? 'a' : 'an'} ${dtype} variant (card.files.${key}) for model "${card.id}" in ` +
      `${source} but its card lists only ${has.join(', ')}; use dtype ${has.map((d) => `"${d}"`).join(' or ')}`,
  );
}

/** The dtypes whose files `card` lists, fp32 first. */
export function cardDtypes(card: Pick<ModelCard, 'files'>): ModelDtype[] {
  return MODEL_DTYPES.filter((d) => card.files[DTYPE_FILE_KEYS[d]]);
}
