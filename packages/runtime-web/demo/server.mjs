#!/usr/bin/env node
/**
 * A small static server for the runtime-web demo, with the COOP/COEP headers that make the page
 * cross-origin isolated (so onnxruntime-web can use WASM threads).
 *
 *   /          -> packages/runtime-web/demo/
 *   /dist/     -> packages/runtime-web/dist/browser/   (build it first: npm run build:browser -w @iqa-zoo/runtime-web)
 *   /models/   -> models/                              (the zoo: index.json + one folder per model)
 *
 * Usage: node packages/runtime-web/demo/server.mjs [--port 8080] [--host 127.0.0.1]
 * Add `?isolated=0` to a page URL to serve that page without COOP/COEP (single-threaded WASM).
 * As a module: `const server = await startDemoServer({ port: 0, mounts: { '/extra/': dir } })`.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(here, '..');

/** The default URL prefix -> folder table. */
export const DEFAULT_MOUNTS = {
  '/dist/': join(pkgDir, 'dist/browser'),
  '/models/': resolve(pkgDir, '../../models'),
  '/': here,
};

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
};

/** Maps a URL path to a file under one of `mounts`, refusing paths that climb out of it. */
function resolvePath(mounts, pathname) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  for (const prefix of prefixes) {
    if (!pathname.startsWith(prefix)) continue;
    const root = resolve(mounts[prefix]);
    const file = resolve(root, `.${sep}${decodeURIComponent(pathname.slice(prefix.length))}`);
    if (file !== root && !file.startsWith(root + sep)) return undefined;
    return file;
  }
  return undefined;
}

/**
 * Starts the server; resolves once it listens. `port: 0` picks a free port (see `server.url`).
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startDemoServer({ port = 8080, host = '127.0.0.1', mounts = {}, quiet = false } = {}) {
  const table = { ...DEFAULT_MOUNTS, ...mounts };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const isolated = url.searchParams.get('isolated') !== '0';
    let file = resolvePath(table, url.pathname);
    try {
      if (!file) throw Object.assign(new Error('outside the served folders'), { code: 'EACCES' });
      let info = await stat(file);
      if (info.isDirectory()) {
        file = join(file, 'index.html');
        info = await stat(file);
      }
      const headers = {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': String(info.size),
        'cache-control': 'no-cache',
        'cross-origin-resource-policy': 'same-origin',
      };
      if (isolated) {
        headers['cross-origin-opener-policy'] = 'same-origin';
        headers['cross-origin-embedder-policy'] = 'require-corp';
      }
      res.writeHead(200, headers);
      if (req.method === 'HEAD') return void res.end();
      createReadStream(file).pipe(res);
    } catch (err) {
      const status = err.code === 'ENOENT' || err.code === 'ENOTDIR' ? 404 : 403;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(`${status} ${url.pathname}\n`);
    }
    if (!quiet) console.log(`${req.method} ${url.pathname}${url.search}`);
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(port, host, ok));
  const address = server.address();
  return {
    url: `http://${host}:${address.port}/`,
    close: () =>
      new Promise((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

// Run as a script (not when imported, nor when a bundler has inlined this file into another script).
if (
  process.argv[1] &&
  resolve(process.argv[1]) === fileURLToPath(import.meta.url) &&
  import.meta.url.endsWith('/demo/server.mjs')
) {
  const arg = (name, fallback) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? process.argv[at + 1] : fallback;
  };
  const { url } = await startDemoServer({
    port: Number(arg('--port', 8080)),
    host: arg('--host', '127.0.0.1'),
    quiet: true,
  });
  console.log(`iqa-zoo demo: open ${url} (cross-origin isolated; add ?isolated=0 for single-threaded WASM)`);
}
