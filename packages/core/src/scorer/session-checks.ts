import type { ModelCard } from '../card/types.js';
import { IqaError } from '../errors.js';
import { secondOutputName } from '../scoring.js';

/** What both onnxruntime-node and onnxruntime-web sessions tell of their graph. */
export interface SessionNames {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
}

/**
 * Throws `IqaError('INVALID_CARD')` unless the session has the card's input and output names, so
 * a card that does not describe its ONNX file fails when the scorer opens, not on the first image.
 *
 * @example
 * checkSessionIo(session, card, 'models/mobilenetv2-ml-clive/model.onnx');
 */
export function checkSessionIo(session: SessionNames, card: Pick<ModelCard, 'input' | 'output'>, source: string): void {
  const { inputNames, outputNames } = session;
  const second = secondOutputName(card);
  const wanted = [card.output.name, ...(second ? [second] : [])];
  if (inputNames.includes(card.input.name) && wanted.every((o) => outputNames.includes(o))) return;
  throw new IqaError(
    'INVALID_CARD',
    `Expected input "${card.input.name}" and output${wanted.length > 1 ? 's' : ''} ` +
      `${wanted.map((o) => `"${o}"`).join(' and ')} (from the card) in ${source} ` +
      `but the model has inputs ${JSON.stringify(inputNames)} and outputs ${JSON.stringify(outputNames)}`,
  );
}

/**
 * The output values as float32, or `IqaError('INVALID_CARD')` naming the type the model produced.
 * fp16 and q8 variants keep float32 inputs and outputs (Cast nodes at the edges), so one check serves all.
 *
 * @example
 * const raw = float32Output(card.output.name, out.type, out.data);
 */
export function float32Output(name: string, type: string, data: unknown): Float32Array {
  if (type === 'float32' && data instanceof Float32Array) return data;
  throw new IqaError('INVALID_CARD', `Expected a float32 output "${name}" but the model produced ${type}`);
}
