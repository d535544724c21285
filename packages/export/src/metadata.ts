/**
 * The model card inside the ONNX file (`metadata_props`, key `iqa_zoo.card`) and a cheap
 * reader for it that skips the graph's bytes instead of decoding them.
 */
import protobuf from 'protobufjs/minimal.js';
import { CARD_METADATA_KEY } from '@iqa-zoo/core';

/** ModelProto field 14: `repeated StringStringEntryProto metadata_props`. */
const METADATA_PROPS_FIELD = 14;

/** The card as stored in the file: without `files` (a file cannot hold its own sha256). */
export function cardForMetadata(card: object): string {
  const { files: _files, ...rest } = card as Record<string, unknown>;
  return JSON.stringify(rest);
}

function readEntry(bytes: Uint8Array): [string, string] {
  const reader = protobuf.Reader.create(bytes);
  let key = '';
  let value = '';
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1) key = reader.string();
    else if (tag >>> 3 === 2) value = reader.string();
    else reader.skipType(tag & 7);
  }
  return [key, value];
}

/**
 * The `metadata_props` of an ONNX file as a plain object.
 *
 * @example
 * const card = JSON.parse(readOnnxMetadata(bytes)[CARD_METADATA_KEY]!);
 * @throws TypeError when `bytes` is not a Uint8Array; RangeError when it is not a protobuf message.
 */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`Expected a Uint8Array for bytes but received ${typeof bytes}`);
  const reader = protobuf.Reader.create(bytes);
  const out: Record<string, string> = {};
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag >>> 3 === METADATA_PROPS_FIELD && (tag & 7) === 2) {
        const [key, value] = readEntry(reader.bytes());
        out[key] = value;
      } else reader.skipType(tag & 7);
    }
  } catch (err) {
    throw new RangeError(`Expected ONNX ModelProto bytes but could not decode them: ${(err as Error).message}`, { cause: err });
  }
  return out;
}

/**
 * The model card stored in an ONNX file (without `files`), or undefined when it has none.
 *
 * @example
 * const card = readOnnxCard(await fs.readFile('model.onnx'));
 */
export function readOnnxCard(bytes: Uint8Array): Record<string, unknown> | undefined {
  const text = readOnnxMetadata(bytes)[CARD_METADATA_KEY];
  return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
}
