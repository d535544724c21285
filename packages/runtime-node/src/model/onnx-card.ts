import { CARD_METADATA_KEY, IqaError, type ModelCard, parseCardJson, validateCard } from '@iqa-zoo/core';
import onnxProto from 'onnx-proto';
import { sha256Hex } from './hash.js';

const { onnx } = onnxProto;

/**
 * Reads the model card an exporter stored in the ONNX `metadata_props` under `iqa_zoo.card`.
 * The stored card has no `files` (a file cannot hold its own hash); they are filled from `bytes`.
 * Returns `undefined` when the model carries no card.
 *
 * @example
 * const card = readEmbeddedCard(readFileSync('model.onnx'), 'model.onnx');
 */
export function readEmbeddedCard(bytes: Uint8Array, fileName: string): ModelCard | undefined {
  let model: InstanceType<typeof onnx.ModelProto>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new IqaError(
      'MODEL_INTEGRITY',
      `Expected an ONNX model in ${fileName} but it could not be parsed: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const entry = model.metadataProps.find((p) => p.key === CARD_METADATA_KEY);
  if (!entry?.value) return undefined;
  const parsed = parseCardJson(entry.value, `the ${CARD_METADATA_KEY} metadata of ${fileName}`) as object;
  const name = fileName.split(/[\\/]/).pop() ?? fileName;
  const withFiles = { ...parsed, files: { onnx: { path: name, sha256: sha256Hex(bytes), bytes: bytes.length } } };
  return validateCard(withFiles, `model card in ${fileName}`);
}
