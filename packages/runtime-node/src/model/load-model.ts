import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CardFile,
  DEFAULT_MODEL_ID,
  IqaError,
  MODEL_DTYPES,
  type ModelCard,
  type ModelDtype,
  cardFileFor,
  isIqaError,
  modelPackageName,
  verifySha256,
} from '@iqa-zoo/core';
import { sha256Hex } from './hash.js';
import { readEmbeddedCard } from './onnx-card.js';
import { type RemoteOptions, downloadModelFolder, modelCacheDir } from './remote-model.js';
import { type ZooOptions, findModelPackage, readCardFile, readZooIndex, zooDir } from './zoo.js';

/** A model ready for a session: its card and the verified ONNX bytes. */
export interface LoadedModel {
  card: ModelCard;
  onnx: Uint8Array;
  /** Where the ONNX bytes came from. */
  path: string;
}

export { MODEL_DTYPES, type ModelDtype };

async function kindOf(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

async function readVerified(path: string, file: CardFile): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new IqaError(
      'MODEL_NOT_FOUND',
      `Expected the ONNX file ${path} but it could not be read (${(err as NodeJS.ErrnoException).code ?? err})`,
      {
        cause: err,
      },
    );
  }
  await verifySha256(bytes, { sha256: file.sha256 }, path, sha256Hex, 're-download or re-export the model');
  return bytes;
}

async function loadFolder(folder: string, dtype: ModelDtype): Promise<LoadedModel> {
  const card = await readCardFile(folder);
  const file = cardFileFor(card, dtype, folder);
  const path = join(folder, file.path);
  return { card, onnx: await readVerified(path, file), path };
}

async function loadOnnxFile(path: string): Promise<LoadedModel> {
  const beside = join(dirname(path), 'card.json');
  if ((await kindOf(beside)) === 'file') {
    const card = await readCardFile(dirname(path));
    const file = [card.files.onnx, card.files.onnxFp16, card.files.onnxQ8].find((f) => f && f.path === basename(path));
    if (file) return { card, onnx: await readVerified(path, file), path };
    // That card.json describes other files: fall back to the card embedded in the ONNX file.
  }
  const bytes = await readFile(path);
  const card = readEmbeddedCard(bytes, path);
  if (!card) {
    throw new IqaError(
      'INVALID_CARD',
      `Expected a model card for ${path}: neither a card.json beside it lists this file ` +
        'nor does the ONNX metadata hold "iqa_zoo.card"',
    );
  }
  return { card, onnx: bytes, path };
}

/** Where `loadModel` looks for a model given by id, and how it downloads one. */
export interface ModelSourceOptions extends ZooOptions, RemoteOptions {
  /** Base URL of a remote zoo (`<url>/<id>/card.json`); default `$IQA_ZOO_REMOTE`; none when unset. */
  remoteUrl?: string;
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);
const folderUrl = (s: string) => (s.endsWith('/') ? s : `${s}/`);

/** A remote model folder, from the cache when a complete copy is there, else downloaded into it. */
async function loadRemote(
  url: string,
  cacheKey: string,
  dtype: ModelDtype,
  options: ModelSourceOptions,
): Promise<LoadedModel> {
  const cacheFolder = join(modelCacheDir(options.cacheDir), cacheKey);
  try {
    return await loadFolder(cacheFolder, dtype);
  } catch (err) {
    // Not cached yet, or only the other dtype, or a damaged copy: download again.
    if (!isIqaError(err)) throw err;
  }
  await downloadModelFolder(url, cacheFolder, (card) => cardFileFor(card, dtype, url), options);
  return loadFolder(cacheFolder, dtype);
}

/**
 * Resolves `model` to its card and ONNX bytes, checking the bytes' sha256 against the card. In order:
 *
 * 1. an explicit path (a folder with `card.json`, or an `.onnx` file) or URL (`https://.../<id>/`,
 *    downloaded into the cache; `file:` URLs are paths);
 * 2. a zoo id (default: the zoo's default) as an installed model package `@iqa-zoo/model-<id>`,
 *    resolved from the user's project (`options.paths`, default the working directory);
 * 3. the zoo folder `IQA_ZOO_MODELS` (`options.zooDir`);
 * 4. a remote zoo `IQA_ZOO_REMOTE` (`options.remoteUrl`): `<url>/<id>/`, downloaded once into the
 *    cache (`options.cacheDir`, `IQA_ZOO_CACHE`, default `~/.cache/iqa-zoo`) with the card's sha256
 *    checked and an atomic write, so an interrupted or corrupted download is never used.
 *
 * @example
 * const { card, onnx } = await loadModel('mobilenetv2-ml-clive'); // npm install @iqa-zoo/model-mobilenetv2-ml-clive
 * const custom = await loadModel('./exported/model.onnx');
 */
export async function loadModel(
  model?: string,
  dtype: ModelDtype = 'fp32',
  options: ModelSourceOptions = {},
): Promise<LoadedModel> {
  if (model !== undefined && (typeof model !== 'string' || model.length === 0)) {
    throw new TypeError(`Expected a zoo id, folder, .onnx path or URL for model but received ${JSON.stringify(model)}`);
  }
  if (!MODEL_DTYPES.includes(dtype)) {
    throw new RangeError(
      `Expected one of ${MODEL_DTYPES.map((d) => JSON.stringify(d)).join(', ')} for dtype ` +
        `but received ${JSON.stringify(dtype)}`,
    );
  }
  if (model !== undefined && isUrl(model)) {
    const url = folderUrl(model);
    return loadRemote(url, `url-${createHash('sha256').update(url).digest('hex').slice(0, 16)}`, dtype, options);
  }
  if (model !== undefined) {
    const path = resolve(model.startsWith('file:') ? fileURLToPath(model) : model);
    const kind = await kindOf(path);
    if (kind === 'dir') return loadFolder(path, dtype);
    if (kind === 'file') return loadOnnxFile(path);
  }
  const zoo = zooDir(options.zooDir);
  const index = zoo ? await readZooIndex(zoo) : undefined;
  const id = model ?? index?.default ?? DEFAULT_MODEL_ID;
  const installed = findModelPackage(id, options.paths);
  if (installed) return loadFolder(installed, dtype);
  if (zoo && index?.models.includes(id)) return loadFolder(join(zoo, id), dtype);
  const remote = options.remoteUrl ?? process.env.IQA_ZOO_REMOTE;
  if (remote) return loadRemote(`${folderUrl(remote)}${encodeURIComponent(id)}/`, id, dtype, options);
  const known = index
    ? ` (IQA_ZOO_MODELS has ${index.models.map((m) => JSON.stringify(m)).join(', ')})`
    : ' (IQA_ZOO_MODELS is not set)';
  throw new IqaError(
    'MODEL_NOT_FOUND',
    `Expected a model folder, an .onnx path, a URL or a zoo id for model but received ${JSON.stringify(id)}: ` +
      `no such path, no installed package ${modelPackageName(id)}, not in a zoo folder${known} ` +
      'and no remote zoo (IQA_ZOO_REMOTE is not set). ' +
      `Possible solutions: npm install ${modelPackageName(id)}`,
  );
}
