import { IqaError, describeValue } from '../errors.js';

/** The ONNX `metadata_props` key that carries the model card as JSON. */
export const CARD_METADATA_KEY = 'iqa_zoo.card';

/** The zoo's default model id (`models/index.json`'s `default`; test/model-packages keeps them equal). */
export const DEFAULT_MODEL_ID = 'mobilenetv2-ml-clive';

/**
 * The npm package that holds a zoo model's files (card, ONNX files, calibration set).
 *
 * @example
 * modelPackageName('mobilenetv2-ml-clive'); // '@iqa-zoo/model-mobilenetv2-ml-clive'
 */
export function modelPackageName(id: string): string {
  return `@iqa-zoo/model-${id}`;
}

/** `models/index.json`: the zoo's model ids and its default. */
export interface ZooIndex {
  default: string;
  models: string[];
}

/** Validates the zoo index (`models/index.json`). */
export function parseZooIndex(value: unknown): ZooIndex {
  const v = value as Partial<ZooIndex> | null;
  if (
    typeof v !== 'object' ||
    v === null ||
    !Array.isArray(v.models) ||
    !v.models.every((m) => typeof m === 'string')
  ) {
    throw new IqaError(
      'INVALID_CARD',
      `Expected a zoo index { default, models: string[] } but received ${describeValue(value)}`,
    );
  }
  if (typeof v.default !== 'string' || !v.models.includes(v.default)) {
    throw new IqaError(
      'INVALID_CARD',
      `Expected the zoo's default to be one of ${v.models.map((m) => JSON.stringify(m)).join(', ')} but received ` +
        `${describeValue(v.default)}`,
    );
  }
  return { default: v.default, models: v.models };
}
