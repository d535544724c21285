import { type ModelCard, cardFileFor, expected, parseCardJson, parseZooIndex, validateCard } from '@iqa-zoo/core';
import { DEFAULT_CACHE_NAME, downloadModel, fetchOk, readWithProgress } from './download.js';
import type { InMemoryModel, ModelPackageUrls, WebDtype, WebModelSource, WebScorerOptions } from './types.js';

/** A model ready for a session: its validated card and ONNX bytes, and where it came from. */
export interface LoadedModel {
  card: ModelCard;
  onnx: Uint8Array;
  source: string;
  /** The card file loaded; undefined for a model passed in memory (its bytes are whatever was given). */
  dtype?: WebDtype;
}

/** `url` made absolute against the page's location (when there is one). */
function absoluteUrl(url: string | URL): string {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  return new URL(String(url), base).href;
}

function folderUrl(url: string | URL): string {
  const s = absoluteUrl(url);
  return s.endsWith('/') ? s : `${s}/`;
}

/** The Cache API cache to keep models in, or false for none. */
function cacheName(options: WebScorerOptions): string | false {
  return options.cache === false ? false : typeof options.cache === 'string' ? options.cache : DEFAULT_CACHE_NAME;
}

function isInMemory(model: unknown): model is InMemoryModel {
  return typeof model === 'object' && model !== null && !(model instanceof URL) && 'card' in model && 'onnx' in model;
}

async function loadJson(
  fetchFn: typeof fetch,
  url: string,
  what: string,
  onProgress: WebScorerOptions['onProgress'],
): Promise<unknown> {
  const response = await fetchOk(fetchFn, url, what);
  const bytes = await readWithProgress(response, (loaded, total) =>
    onProgress?.({ phase: 'card', url, loaded, total, fromCache: false }),
  );
  return parseCardJson(new TextDecoder().decode(bytes), `${what} at ${url}`);
}

function isPackageUrls(model: unknown): model is ModelPackageUrls {
  return (
    typeof model === 'object' && model !== null && !(model instanceof URL) && 'cardUrl' in model && 'modelUrl' in model
  );
}

/**
 * Loads a model from a folder URL (`card.json` + the ONNX file the card names), from a model
 * package's URLs (`{ cardUrl, modelUrl }`), from the zoo's
 * default (`<zooUrl>index.json`) when `model` is omitted, or takes one already in memory.
 *
 * @example
 * const url = 'https://example.com/models/mobilenetv2-ml-clive/';
 * const { card, onnx } = await loadModel(url, { onProgress: console.log });
 */
export async function loadModel(
  model: WebModelSource | undefined,
  options: WebScorerOptions,
  pickDtype: (card: ModelCard) => WebDtype = () => options.dtype ?? 'fp32',
): Promise<LoadedModel> {
  if (isInMemory(model)) {
    const card = validateCard(model.card);
    const onnx =
      model.onnx instanceof Uint8Array
        ? model.onnx
        : model.onnx instanceof ArrayBuffer
          ? new Uint8Array(model.onnx)
          : undefined;
    if (!onnx) throw new TypeError(expected('Uint8Array or ArrayBuffer', 'model.onnx', model.onnx));
    return { card, onnx, source: `in-memory ${card.id}` };
  }
  if (model !== undefined && typeof model !== 'string' && !(model instanceof URL) && !isPackageUrls(model)) {
    throw new TypeError(
      expected('a model folder URL, a model package ({ cardUrl, modelUrl }) or { card, onnx }', 'model', model),
    );
  }
  const fetchFn = options.fetch ?? (globalThis.fetch as typeof fetch | undefined);
  if (!fetchFn) throw new TypeError(expected('a fetch function', 'options.fetch', fetchFn));
  // The model file, its size and sha256 checked against the card, through the cache.
  const download = (url: string, file: { sha256: string; bytes: number }) =>
    downloadModel({
      url,
      sha256: file.sha256,
      bytes: file.bytes,
      fetch: fetchFn,
      cache: cacheName(options),
      onProgress: options.onProgress,
    });
  if (isPackageUrls(model)) {
    // A bundler renames the files (hashes), so each comes from its own URL rather than the card's path.
    const cardUrl = absoluteUrl(model.cardUrl);
    const card = validateCard(await loadJson(fetchFn, cardUrl, 'the model card', options.onProgress));
    const dtype = pickDtype(card);
    const file = cardFileFor(card, dtype, cardUrl);
    const key = ({ fp32: 'modelUrl', fp16: 'modelFp16Url', q8: 'modelQ8Url' } as const)[dtype];
    const fileUrl = model[key];
    if (fileUrl === undefined)
      throw new TypeError(expected(`${key} in the model package for dtype ${dtype}`, `model.${key}`, fileUrl));
    const url = absoluteUrl(fileUrl);
    return { card, onnx: await download(url, file), source: url, dtype };
  }
  let folder: string;
  if (model === undefined) {
    const zoo = folderUrl(options.zooUrl ?? '/models/');
    const index = parseZooIndex(await loadJson(fetchFn, `${zoo}index.json`, 'the zoo index', options.onProgress));
    folder = `${zoo}${index.default}/`;
  } else {
    folder = folderUrl(model);
  }
  const card = validateCard(await loadJson(fetchFn, `${folder}card.json`, 'the model card', options.onProgress));
  const dtype = pickDtype(card);
  const file = cardFileFor(card, dtype, folder);
  const url = new URL(file.path, folder).href;
  return { card, onnx: await download(url, file), source: url, dtype };
}
