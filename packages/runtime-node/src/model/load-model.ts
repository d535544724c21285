import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { type CardFile, IqaError, type ModelCard } from '@iqa-zoo/core';
import { sha256Hex } from './hash.js';
import { readEmbeddedCard } from './onnx-card.js';
import { readCardFile, readZooIndex, zooDir } from './zoo.js';

/** A model ready for a session: its card and the verified ONNX bytes. */
export interface LoadedModel {
  card: ModelCard;
  onnx: Uint8Array;
  /** Where the ONNX bytes came from. */
  path: string;
}

/** The weight precisions a card can list (`files.onnx`, `files.onnxFp16`). */
export const MODEL_DTYPES = ['fp32', 'fp16'] as const;
export type ModelDtype = (typeof MODEL_DTYPES)[number];

async function kindOf(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

function pickFile(card: ModelCard, dtype: ModelDtype, source: string): CardFile {
  if (dtype === 'fp32') return card.files.onnx;
  if (card.files.onnxFp16) return card.files.onnxFp16;
  throw new IqaError('MODEL_NOT_FOUND', `Expected an fp16 variant (card.files.onnxFp16) for model "${card.id}" in ${source} but its card lists only fp32`);
}

async function readVerified(path: string, file: CardFile): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new IqaError('MODEL_NOT_FOUND', `Expected the ONNX file ${path} but it could not be read (${(err as NodeJS.ErrnoException).code ?? err})`, {
      cause: err,
    });
  }
  const actual = sha256Hex(bytes);
  if (actual !== file.sha256) {
    throw new IqaError(
      'MODEL_INTEGRITY',
      `Expected sha256 ${file.sha256} for ${path} (from its card) but the file hashes to ${actual} (${bytes.length} bytes); re-download or re-export the model`,
    );
  }
  return bytes;
}

async function loadFolder(folder: string, dtype: ModelDtype): Promise<LoadedModel> {
  const card = await readCardFile(folder);
  const file = pickFile(card, dtype, folder);
  const path = join(folder, file.path);
  return { card, onnx: await readVerified(path, file), path };
}

async function loadOnnxFile(path: string): Promise<LoadedModel> {
  const beside = join(dirname(path), 'card.json');
  if ((await kindOf(beside)) === 'file') {
    const card = await readCardFile(dirname(path));
    const file = [card.files.onnx, card.files.onnxFp16].find((f) => f && f.path === basename(path));
    if (file) return { card, onnx: await readVerified(path, file), path };
    // That card.json describes other files: fall back to the card embedded in the ONNX file.
  }
  const bytes = await readFile(path);
  const card = readEmbeddedCard(bytes, path);
  if (!card) {
    throw new IqaError(
      'INVALID_CARD',
      `Expected a model card for ${path}: neither a card.json beside it lists this file nor does the ONNX metadata hold "iqa_zoo.card"`,
    );
  }
  return { card, onnx: bytes, path };
}

/**
 * Resolves `model` (a zoo id, a folder with `card.json` + ONNX, or an `.onnx` path; default the zoo's
 * default) to its card and ONNX bytes, checking the bytes' sha256 against the card.
 *
 * @example
 * const { card, onnx } = await loadModel('vgg-small-ml');
 * const custom = await loadModel('./exported/model.onnx');
 */
export async function loadModel(model?: string, dtype: ModelDtype = 'fp32'): Promise<LoadedModel> {
  if (model !== undefined && (typeof model !== 'string' || model.length === 0)) {
    throw new TypeError(`Expected a zoo id, folder or .onnx path for model but received ${JSON.stringify(model)}`);
  }
  if (dtype !== 'fp32' && dtype !== 'fp16') {
    throw new RangeError(`Expected one of "fp32", "fp16" for dtype but received ${JSON.stringify(dtype)}`);
  }
  if (model !== undefined) {
    const kind = await kindOf(resolve(model));
    if (kind === 'dir') return loadFolder(resolve(model), dtype);
    if (kind === 'file') return loadOnnxFile(resolve(model));
  }
  const dir = zooDir();
  const index = await readZooIndex(dir);
  const id = model ?? index.default;
  if (!index.models.includes(id)) {
    throw new IqaError(
      'MODEL_NOT_FOUND',
      `Expected a zoo id (${index.models.map((m) => JSON.stringify(m)).join(', ')}), a model folder or an .onnx path for model but received ${JSON.stringify(id)}`,
    );
  }
  return loadFolder(join(dir, id), dtype);
}
