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
  if (!(bytes instanceof Uint8Array))
    throw new TypeError(`Expected a Uint8Array for bytes but received ${typeof bytes}`);
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
    throw new RangeError(`Expected ONNX ModelProto bytes but could not decode them: ${(err as Error).message}`, {
      cause: err,
    });
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

/**
 * The same ONNX file with its card replaced by `card` (stored without `files`): every other field,
 * the graph and the other metadata entries included, is copied byte for byte, so a card edited
 * after export (new metrics, presets) can be embedded again without re-exporting the network.
 *
 * @example
 * const bytes = withOnnxCard(await fs.readFile('model.onnx'), card);
 * @throws TypeError when `bytes` is not a Uint8Array; RangeError when it is not a protobuf message.
 */
export function withOnnxCard(bytes: Uint8Array, card: object): Uint8Array {
  if (!(bytes instanceof Uint8Array))
    throw new TypeError(`Expected a Uint8Array for bytes but received ${typeof bytes}`);
  const reader = protobuf.Reader.create(bytes);
  const kept: Uint8Array[] = [];
  try {
    while (reader.pos < reader.len) {
      const start = reader.pos;
      const tag = reader.uint32();
      const isCard =
        tag >>> 3 === METADATA_PROPS_FIELD && (tag & 7) === 2 && readEntry(reader.bytes())[0] === CARD_METADATA_KEY;
      if (!isCard) {
        if (tag >>> 3 !== METADATA_PROPS_FIELD || (tag & 7) !== 2) reader.skipType(tag & 7);
        kept.push(bytes.subarray(start, reader.pos));
      }
    }
  } catch (err) {
    throw new RangeError(`Expected ONNX ModelProto bytes but could not decode them: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const entry = protobuf.Writer.create()
    .uint32(10)
    .string(CARD_METADATA_KEY)
    .uint32(18)
    .string(cardForMetadata(card))
    .finish();
  const field = protobuf.Writer.create()
    .uint32((METADATA_PROPS_FIELD << 3) | 2)
    .bytes(entry)
    .finish();
  const out = new Uint8Array(kept.reduce((n, k) => n + k.length, 0) + field.length);
  let at = 0;
  for (const k of kept) {
    out.set(k, at);
    at += k.length;
  }
  out.set(field, at);
  return out;
}
