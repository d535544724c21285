/** @jest-environment ./packages/runtime-node/test/helpers/ort-environment.cjs */
/**
 * loadModel's resolution order: explicit path or URL; an installed model package, resolved from the
 * user's project; IQA_ZOO_MODELS; a remote zoo downloaded once into a cache, checked and written
 * atomically. The remote is a local HTTP server on 127.0.0.1 that can serve, corrupt or drop.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DownloadProgress, listZooCards, loadModel } from '@iqa-zoo/runtime-node';
import { createTinyModel, writeTinyModelDir } from './helpers/tiny-model.js';

const root = mkdtempSync(join(tmpdir(), 'iqa-sources-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A user's project with the model package @iqa-zoo/model-tiny-pkg installed (bias 0.5 tells it apart). */
const project = join(root, 'project');
const pkgDir = writeTinyModelDir(
  join(project, 'node_modules', '@iqa-zoo', 'model-tiny-pkg'),
  createTinyModel(undefined, { id: 'tiny-pkg', bias: 0.5 }),
);
writeFileSync(
  join(pkgDir, 'package.json'),
  JSON.stringify({
    name: '@iqa-zoo/model-tiny-pkg',
    version: '0.0.1',
    type: 'module',
    exports: { './card.json': './card.json', './package.json': './package.json' },
  }),
);
mkdirSync(join(project, 'src'), { recursive: true });

/** A zoo folder (IQA_ZOO_MODELS) with tiny-pkg too (bias 0) and tiny-zoo. */
const zoo = join(root, 'zoo');
writeTinyModelDir(join(zoo, 'tiny-pkg'), createTinyModel(undefined, { id: 'tiny-pkg', bias: 0 }));
writeTinyModelDir(join(zoo, 'tiny-zoo'), createTinyModel(undefined, { id: 'tiny-zoo' }));
writeFileSync(join(zoo, 'index.json'), JSON.stringify({ default: 'tiny-zoo', models: ['tiny-zoo', 'tiny-pkg'] }));

const saved = { models: process.env.IQA_ZOO_MODELS, remote: process.env.IQA_ZOO_REMOTE };
beforeEach(() => {
  delete process.env.IQA_ZOO_MODELS;
  delete process.env.IQA_ZOO_REMOTE;
});
afterAll(() => {
  for (const [key, value] of [
    ['IQA_ZOO_MODELS', saved.models],
    ['IQA_ZOO_REMOTE', saved.remote],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe('installed model packages', () => {
  test(
    'a zoo id resolves to the package installed in the project named by paths, not where runtime-node ' + 'sits',
    async () => {
      const loaded = await loadModel('tiny-pkg', 'fp32', { paths: [join(project, 'src')] });
      expect(loaded.path).toBe(join(pkgDir, 'model.onnx'));
      await expect(loadModel('tiny-pkg')).rejects.toMatchObject({
        code: 'MODEL_NOT_FOUND',
        message: expect.stringContaining('npm install @iqa-zoo/model-tiny-pkg'),
      });
    },
  );

  test('the order: explicit path, then the installed package, then IQA_ZOO_MODELS', async () => {
    process.env.IQA_ZOO_MODELS = zoo;
    const paths = [project];
    expect((await loadModel('tiny-pkg', 'fp32', { paths })).path).toBe(join(pkgDir, 'model.onnx'));
    expect((await loadModel('tiny-pkg', 'fp32', { paths: [root] })).path).toBe(join(zoo, 'tiny-pkg', 'model.onnx'));
    expect((await loadModel(join(zoo, 'tiny-pkg'), 'fp32', { paths })).path).toBe(join(zoo, 'tiny-pkg', 'model.onnx'));
    expect((await loadModel(undefined, 'fp32', { paths })).card.id).toBe('tiny-zoo');
  });

  test('listZooCards lists the installed packages, or the IQA_ZOO_MODELS zoo when set', async () => {
    expect((await listZooCards({ paths: [join(project, 'src')] })).map((c) => c.card.id)).toEqual(['tiny-pkg']);
    process.env.IQA_ZOO_MODELS = zoo;
    expect((await listZooCards({ paths: [project] })).map((c) => [c.card.id, c.isDefault])).toEqual([
      ['tiny-zoo', true],
      ['tiny-pkg', false],
    ]);
  });
});

describe('a remote zoo on 127.0.0.1', () => {
  const remote = createTinyModel(undefined, { id: 'tiny-remote', bias: 0.25 });
  const served = { card: JSON.stringify(remote.card), onnx: Buffer.from(remote.onnx) };
  let mode: 'good' | 'corrupt' | 'drop' = 'good';
  const requests: string[] = [];
  let server: Server;
  let base = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/zoo/tiny-remote/card.json') return void res.end(served.card);
      if (!req.url?.endsWith('/model.onnx')) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-length': served.onnx.length });
      if (mode === 'drop') {
        res.write(served.onnx.subarray(0, served.onnx.length >> 1));
        setTimeout(() => res.socket?.destroy(), 20);
      } else if (mode === 'corrupt') {
        const bad = Buffer.from(served.onnx);
        bad[bad.length - 1] ^= 0xff;
        res.end(bad);
      } else {
        res.end(served.onnx);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/zoo/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const cacheFiles = (cacheDir: string) =>
    existsSync(cacheDir) ? readdirSync(cacheDir, { recursive: true }).map(String).sort() : [];

  test('a good download is verified, reported and cached: the second load makes no request', async () => {
    mode = 'good';
    const cacheDir = join(root, 'cache-good');
    const progress: DownloadProgress[] = [];
    requests.length = 0;
    const first = await loadModel('tiny-remote', 'fp32', {
      remoteUrl: base,
      cacheDir,
      onProgress: (p) => progress.push(p),
    });
    expect(first.card.id).toBe('tiny-remote');
    expect(Buffer.from(first.onnx).equals(served.onnx)).toBe(true);
    expect(progress.at(-1)).toEqual({
      url: `${base}tiny-remote/model.onnx`,
      loaded: served.onnx.length,
      total: served.onnx.length,
    });
    expect(requests).toEqual(['/zoo/tiny-remote/card.json', '/zoo/tiny-remote/model.onnx']);
    expect(cacheFiles(cacheDir)).toEqual([
      'tiny-remote',
      join('tiny-remote', 'card.json'),
      join('tiny-remote', 'model.onnx'),
    ]);
    const second = await loadModel('tiny-remote', 'fp32', { remoteUrl: base, cacheDir });
    expect(second.path).toBe(join(cacheDir, 'tiny-remote', 'model.onnx'));
    expect(requests).toHaveLength(2);
  });

  test('IQA_ZOO_REMOTE is the remote when no option names one; an explicit URL works without it', async () => {
    mode = 'good';
    process.env.IQA_ZOO_REMOTE = base;
    expect((await loadModel('tiny-remote', 'fp32', { cacheDir: join(root, 'cache-env') })).card.id).toBe('tiny-remote');
    delete process.env.IQA_ZOO_REMOTE;
    expect((await loadModel(`${base}tiny-remote`, 'fp32', { cacheDir: join(root, 'cache-url') })).card.id).toBe(
      'tiny-remote',
    );
  });

  test('a corrupted download is refused with MODEL_INTEGRITY and leaves nothing in the cache', async () => {
    mode = 'corrupt';
    const cacheDir = join(root, 'cache-corrupt');
    await expect(loadModel('tiny-remote', 'fp32', { remoteUrl: base, cacheDir })).rejects.toMatchObject({
      code: 'MODEL_INTEGRITY',
    });
    expect(cacheFiles(cacheDir)).toEqual(['tiny-remote']);
  });

  test('a dropped connection is MODEL_DOWNLOAD, leaves nothing, and the next try downloads it whole', async () => {
    mode = 'drop';
    const cacheDir = join(root, 'cache-drop');
    await expect(loadModel('tiny-remote', 'fp32', { remoteUrl: base, cacheDir })).rejects.toMatchObject({
      code: 'MODEL_DOWNLOAD',
    });
    expect(cacheFiles(cacheDir)).toEqual(['tiny-remote']);
    mode = 'good';
    expect((await loadModel('tiny-remote', 'fp32', { remoteUrl: base, cacheDir })).card.id).toBe('tiny-remote');
  });

  test('a model the remote zoo lacks is MODEL_NOT_FOUND (HTTP 404, as in runtime-web); nothing cached', async () => {
    mode = 'good';
    const cacheDir = join(root, 'cache-missing');
    const err = await loadModel('no-such-model', 'fp32', { remoteUrl: base, cacheDir }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODEL_NOT_FOUND' });
    expect((err as Error).message).toContain(`the model card at ${base}no-such-model/card.json but received HTTP 404`);
    expect(existsSync(join(cacheDir, 'no-such-model', 'card.json'))).toBe(false);
  });

  test('a cached file damaged on disk is never used: it is downloaded again', async () => {
    mode = 'good';
    const cacheDir = join(root, 'cache-damaged');
    await loadModel('tiny-remote', 'fp32', { remoteUrl: base, cacheDir });
    const cached = join(cacheDir, 'tiny-remote', 'model.onnx');
    writeFileSync(cached, 'damaged');
    requests.length = 0;
    const again = await loadModel('tiny-remote', 'fp32', { remoteUrl: base, cacheDir });
    expect(Buffer.from(again.onnx).equals(served.onnx)).toBe(true);
    expect(readFileSync(cached).equals(served.onnx)).toBe(true);
    expect(requests).toHaveLength(2);
  });
});
