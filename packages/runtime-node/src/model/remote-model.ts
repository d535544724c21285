import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  type CardFile,
  IqaError,
  type ModelCard,
  checkSha256,
  fetchFailure,
  parseCardJson,
  validateCard,
} from '@iqa-zoo/core';

/** One progress report of a model download. */
export interface DownloadProgress {
  url: string;
  /** Bytes received so far. */
  loaded: number;
  /** Bytes expected (from the card). */
  total: number;
}

/** How a remote model folder is fetched and cached. */
export interface RemoteOptions {
  /** Cache folder (default: `$IQA_ZOO_CACHE`, else `$XDG_CACHE_HOME/iqa-zoo`, else `~/.cache/iqa-zoo`). */
  cacheDir?: string;
  /** Called as the ONNX file arrives. */
  onProgress?: (progress: DownloadProgress) => void;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
}

/**
 * The folder downloaded models are cached in: `cacheDir`, else `$IQA_ZOO_CACHE`, else
 * `$XDG_CACHE_HOME/iqa-zoo`, else `~/.cache/iqa-zoo`.
 *
 * @example
 * modelCacheDir(); // '/home/me/.cache/iqa-zoo'
 */
export function modelCacheDir(cacheDir?: string): string {
  if (cacheDir) return cacheDir;
  if (process.env.IQA_ZOO_CACHE) return process.env.IQA_ZOO_CACHE;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'iqa-zoo');
}

function downloadError(url: string, why: string, cause?: unknown): IqaError {
  return new IqaError('MODEL_DOWNLOAD', `Expected to download ${url} but ${why}; nothing was cached, try again`, {
    cause,
  });
}

/** Fetches `url`; a failed request or an HTTP error is core's `fetchFailure`, as in runtime-web. */
async function fetchOk(fetchFn: typeof fetch, url: string, what: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetchFn(url);
  } catch (err) {
    throw fetchFailure(what, url, { cause: err }, 'nothing was cached, try again');
  }
  if (!response.ok) throw fetchFailure(what, url, response, 'nothing was cached');
  if (!response.body) throw downloadError(url, 'the response had no body');
  return response;
}

/** Writes `data` to `path` through a temporary file and a rename, so a reader sees all of it or none. */
async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${randomUUID()}.part`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/**
 * Downloads `url` to `dest`: streamed into a temporary file beside it while hashing, renamed into
 * place only when the sha256 and size match `file` (from the card). A dropped connection or a
 * wrong hash leaves no file behind.
 */
async function downloadVerified(url: string, dest: string, file: CardFile, options: RemoteOptions): Promise<void> {
  const response = await fetchOk(options.fetch ?? fetch, url, 'the model ONNX file');
  const tmp = `${dest}.${randomUUID()}.part`;
  const hash = createHash('sha256');
  let loaded = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      loaded += chunk.length;
      options.onProgress?.({ url, loaded, total: file.bytes });
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>),
      count,
      createWriteStream(tmp),
    );
  } catch (err) {
    await rm(tmp, { force: true });
    throw downloadError(
      url,
      `the transfer broke off after ${loaded} of ${file.bytes} bytes (${(err as Error).message})`,
      err,
    );
  }
  try {
    checkSha256(file, { sha256: hash.digest('hex'), bytes: loaded }, url, 'nothing was cached');
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await rename(tmp, dest);
}

/**
 * Downloads a remote model folder (`<folderUrl>card.json` and the ONNX file `pick` chooses from
 * its card) into `cacheFolder`: the file is checked against the card's sha256 and written
 * atomically, then the card, so a cached card's file is complete. Returns the card.
 *
 * @example
 * const url = 'https://example.com/zoo/mobilenetv2-ml-clive/';
 * await downloadModelFolder(url, cacheFolder, (card) => card.files.onnx, {});
 */
export async function downloadModelFolder(
  folderUrl: string,
  cacheFolder: string,
  pick: (card: ModelCard) => CardFile,
  options: RemoteOptions,
): Promise<ModelCard> {
  const cardUrl = new URL('card.json', folderUrl).href;
  const response = await fetchOk(options.fetch ?? fetch, cardUrl, 'the model card');
  const text = await response.text().catch((err: unknown) => {
    throw downloadError(cardUrl, `the transfer broke off (${(err as Error).message})`, err);
  });
  const card = validateCard(parseCardJson(text, `the model card at ${cardUrl}`), cardUrl);
  await mkdir(cacheFolder, { recursive: true });
  const file = pick(card);
  await downloadVerified(new URL(file.path, folderUrl).href, join(cacheFolder, file.path), file, options);
  await writeAtomic(join(cacheFolder, 'card.json'), text);
  return card;
}
