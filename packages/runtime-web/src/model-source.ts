import { type ModelCard, IqaError, expected, parseZooIndex, validateCard } from '@iqa-zoo/core';
import { DEFAULT_CACHE_NAME, downloadModel, fetchOk, readWithProgress } from './download.js';
import type { InMemoryModel, WebDtype, WebModelSource, WebScorerOptions } from './types.js';

/** A model ready for a session: its validated card and ONNX bytes, and where it came from. */
export interface LoadedModel {
  card: ModelCard;
  onnx: Uint8Array;
  source: string;
}

function folderUrl(url: string | URL): string {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const s = new URL(String(url), base).href;
  return s.endsWith('/') ? s : `${s}/`;
}

function isInMemory(model: unknown): model is InMemoryModel {
  return typeof model === 'object' && model !== null && !(model instanceof URL) && 'card' in model && 'onnx' in model;
}

async function loadJson(fetchFn: typeof fetch, url: string, what: string, onProgress: WebScorerOptions['onProgress']): Promise<unknown> {
  const response = await fetchOk(fetchFn, url, what);
  const bytes = await readWithProgress(response, (loaded, total) => onProgress?.({ phase: 'card', url, loaded, total, fromCache: false }));
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new IqaError('INVALID_CARD', `Expected JSON for ${what} at ${url} but it did not parse: ${(err as Error).message}`, { cause: err });
  }
}

/** The card's file for `dtype`; its path is relative to the folder of `card.json` (as in runtime-node). */
function cardFile(card: ModelCard, dtype: WebDtype): ModelCard['files']['onnx'] {
  const file = dtype === 'fp16' ? card.files.onnxFp16 : card.files.onnx;
  if (!file) throw new IqaError('MODEL_NOT_FOUND', `Expected an fp16 ONNX file in the card of ${card.id} (files.onnxFp16) but it has none; use dtype 'fp32'`);
  return file;
}

/**
 * Loads a model from a folder URL (`card.json` + the ONNX file the card names), from the zoo's
 * default (`<zooUrl>index.json`) when `model` is omitted, or takes one already in memory.
 *
 * @example
 * const { card, onnx } = await loadModel('https://example.com/models/vgg-small-ml/', { onProgress: console.log });
 */
export async function loadModel(model: WebModelSource | undefined, options: WebScorerOptions): Promise<LoadedModel> {
  if (isInMemory(model)) {
    const card = validateCard(model.card);
    const onnx = model.onnx instanceof Uint8Array ? model.onnx : model.onnx instanceof ArrayBuffer ? new Uint8Array(model.onnx) : undefined;
    if (!onnx) throw new TypeError(expected('Uint8Array or ArrayBuffer', 'model.onnx', model.onnx));
    return { card, onnx, source: `in-memory ${card.id}` };
  }
  if (model !== undefined && typeof model !== 'string' && !(model instanceof URL)) {
    throw new TypeError(expected('a model folder URL or { card, onnx }', 'model', model));
  }
  const fetchFn = options.fetch ?? (globalThis.fetch as typeof fetch | undefined);
  if (!fetchFn) throw new TypeError(expected('a fetch function', 'options.fetch', fetchFn));
  const dtype = options.dtype ?? 'fp32';
  let folder: string;
  if (model === undefined) {
    const zoo = folderUrl(options.zooUrl ?? '/models/');
    const index = parseZooIndex(await loadJson(fetchFn, `${zoo}index.json`, 'the zoo index', options.onProgress));
    folder = `${zoo}${index.default}/`;
  } else {
    folder = folderUrl(model);
  }
  const card = validateCard(await loadJson(fetchFn, `${folder}card.json`, 'the model card', options.onProgress));
  const file = cardFile(card, dtype);
  const url = new URL(file.path, folder).href;
  const cache = options.cache === false ? false : typeof options.cache === 'string' ? options.cache : DEFAULT_CACHE_NAME;
  const onnx = await downloadModel({ url, sha256: file.sha256, bytes: file.bytes, fetch: fetchFn, cache, onProgress: options.onProgress });
  return { card, onnx, source: url };
}
