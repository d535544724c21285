import { IqaError, fetchFailure, verifySha256 } from '@iqa-zoo/core';
import type { LoadProgress } from './types.js';

/** The Cache API name runtime-web stores ONNX files under unless told otherwise. */
export const DEFAULT_CACHE_NAME = 'iqa-zoo-models';

/** Lower-case hex SHA-256 of `bytes`, with WebCrypto (browsers, workers and Node 20). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!subtle) {
    throw new IqaError(
      'MODEL_INTEGRITY',
      'Expected crypto.subtle to check the model hash but it is missing ' +
        '(pages must be served over https or from localhost)',
    );
  }
  const digest = await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Throws `IqaError('MODEL_INTEGRITY')` unless `bytes` hash to `sha256` (core's `verifySha256` with WebCrypto). */
export async function checkIntegrity(bytes: Uint8Array, sha256: string, url: string): Promise<void> {
  await verifySha256(bytes, { sha256 }, url, sha256Hex);
}

/** Reads a response body to the end, reporting progress after each chunk. */
export async function readWithProgress(
  response: Response,
  report: (loaded: number, total: number | undefined) => void,
  knownTotal?: number,
): Promise<Uint8Array> {
  const header = Number(response.headers.get('content-length'));
  const total = knownTotal ?? (Number.isFinite(header) && header > 0 ? header : undefined);
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    report(bytes.length, total);
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  report(0, total);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    report(loaded, total);
  }
  const out = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Fetches `url`; a failed request or an HTTP error is core's `fetchFailure` (`MODEL_NOT_FOUND` for 404/410,
 * else `MODEL_DOWNLOAD`), as in runtime-node.
 */
export async function fetchOk(fetchFn: typeof fetch, url: string, what: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetchFn(url);
  } catch (err) {
    throw fetchFailure(what, url, { cause: err });
  }
  if (!response.ok) throw fetchFailure(what, url, response);
  return response;
}

export interface CachedDownload {
  url: string;
  sha256: string;
  bytes?: number;
  fetch: typeof fetch;
  /** Cache name, or `false` for no caching. */
  cache: string | false;
  onProgress?: (p: LoadProgress) => void;
}

async function openCache(name: string | false): Promise<Cache | undefined> {
  const storage = (globalThis as { caches?: CacheStorage }).caches;
  if (name === false || !storage) return undefined;
  try {
    return await storage.open(name);
  } catch {
    return undefined; // opaque origins and some private modes refuse the Cache API: just download
  }
}

/**
 * Downloads the ONNX file at `url`, with progress, through the Cache API, and checks its sha256.
 * A cached copy that fails the check is dropped and downloaded again; a download that fails it throws
 * `IqaError('MODEL_INTEGRITY')`.
 *
 * @example
 * const onnx = await downloadModel({ url, sha256: card.files.onnx.sha256, fetch, cache: 'iqa-zoo-models' });
 */
export async function downloadModel(opts: CachedDownload): Promise<Uint8Array> {
  const { url, sha256, onProgress } = opts;
  const cache = await openCache(opts.cache);
  const progress = (fromCache: boolean) => (loaded: number, total: number | undefined) =>
    onProgress?.({ phase: 'model', url, loaded, total, fromCache });
  const hit = await cache?.match(url);
  if (hit) {
    const bytes = await readWithProgress(hit, progress(true), opts.bytes);
    if ((await sha256Hex(bytes)) === sha256.toLowerCase()) return bytes;
    await cache!.delete(url);
  }
  const response = await fetchOk(opts.fetch, url, 'the model ONNX file');
  const bytes = await readWithProgress(response, progress(false), opts.bytes);
  await checkIntegrity(bytes, sha256, url);
  if (cache) {
    const headers = { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) };
    await cache.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers })).catch(() => undefined);
  }
  return bytes;
}
