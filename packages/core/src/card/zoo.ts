import { IqaError, describeValue } from '../errors.js';

/** The ONNX `metadata_props` key that carries the model card as JSON. */
export const CARD_METADATA_KEY = 'iqa_zoo.card';

/** `models/index.json`: the zoo's model ids and its default. */
export interface ZooIndex {
  default: string;
  models: string[];
}

/** Validates the zoo index (`models/index.json`). */
export function parseZooIndex(value: unknown): ZooIndex {
  const v = value as Partial<ZooIndex> | null;
  if (typeof v !== 'object' || v === null || !Array.isArray(v.models) || !v.models.every((m) => typeof m === 'string')) {
    throw new IqaError('INVALID_CARD', `Expected a zoo index { default, models: string[] } but received ${describeValue(value)}`);
  }
  if (typeof v.default !== 'string' || !v.models.includes(v.default)) {
    throw new IqaError(
      'INVALID_CARD',
      `Expected the zoo's default to be one of ${v.models.map((m) => JSON.stringify(m)).join(', ')} but received ${describeValue(v.default)}`,
    );
  }
  return { default: v.default, models: v.models };
}
