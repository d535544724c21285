/**
 * Model loading from a URL: progress, the Cache API, and the sha256 check against the card.
 * A fake `fetch` serves an in-memory folder; a small Map-backed CacheStorage stands in for the browser's.
 */
import { createHash } from 'node:crypto';
import { type ModelCard, isIqaError } from '@iqa-zoo/core';
import { onnx as onnxProto, toFp16 } from '@iqa-zoo/export';
import { createFixtureModel } from '../../../test/helpers/fixture-model.js';
import { type LoadProgress, createScorer, loadModel, sha256Hex } from '../src/index.js';
import { rgbaImage } from './helpers/images.js';

function fakeFetch(files: Record<string, Uint8Array | string>, log: string[]): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    log.push(url);
    const body = files[url];
    if (body === undefined) return new Response('not found', { status: 404, statusText: 'Not Found' });
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    return new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-length': String(bytes.length) } });
  }) as typeof fetch;
}

class MapCache {
  readonly entries = new Map<string, Uint8Array>();
  async match(url: string) {
    const b = this.entries.get(url);
    return b ? new Response(b as Uint8Array<ArrayBuffer>) : undefined;
  }
  async put(url: string, res: Response) {
    this.entries.set(url, new Uint8Array(await res.arrayBuffer()));
  }
  async delete(url: string) {
    return this.entries.delete(url);
  }
}

const BASE = 'https://models.example/zoo/';

describe('runtime-web model loading', () => {
  let card: ModelCard;
  let onnx: Uint8Array;
  let files: Record<string, Uint8Array | string>;
  const g = globalThis as { caches?: unknown };

  beforeAll(async () => {
    ({ card, onnx } = await createFixtureModel());
    const sha256 = createHash('sha256').update(onnx).digest('hex');
    const served: ModelCard = { ...card, files: { onnx: { path: 'onnx/model.onnx', sha256, bytes: onnx.length } } };
    files = {
      [`${BASE}index.json`]: JSON.stringify({ default: card.id, models: [card.id] }),
      [`${BASE}${card.id}/card.json`]: JSON.stringify(served),
      [`${BASE}${card.id}/onnx/model.onnx`]: onnx,
    };
  });
  afterEach(() => {
    delete g.caches;
  });

  test('sha256Hex matches node:crypto', async () => {
    expect(await sha256Hex(onnx)).toBe(createHash('sha256').update(onnx).digest('hex'));
  });

  test('loads card.json and the ONNX file from a folder URL, reporting progress to the total', async () => {
    const log: string[] = [];
    const progress: LoadProgress[] = [];
    const model = await loadModel(`${BASE}${card.id}`, {
      fetch: fakeFetch(files, log),
      onProgress: (p) => progress.push(p),
      cache: false,
    });
    expect(model.onnx).toEqual(onnx);
    expect(model.card.id).toBe(card.id);
    expect(log).toEqual([`${BASE}${card.id}/card.json`, `${BASE}${card.id}/onnx/model.onnx`]);
    const last = progress.filter((p) => p.phase === 'model').pop()!;
    expect(last).toMatchObject({ loaded: onnx.length, total: onnx.length, fromCache: false });
  });

  test(
    "a model package's URLs ({ cardUrl, modelUrl }, as a bundler renames them) load the card and that file, " +
      'checked',
    async () => {
      const log: string[] = [];
      const renamed = {
        ...files,
        [`${BASE}assets/model-3f2a.onnx`]: onnx,
        [`${BASE}assets/card-9c1b.json`]: files[`${BASE}${card.id}/card.json`]!,
      };
      const pkg = {
        cardUrl: new URL(`${BASE}assets/card-9c1b.json`),
        modelUrl: new URL(`${BASE}assets/model-3f2a.onnx`),
      };
      const model = await loadModel(pkg, { fetch: fakeFetch(renamed, log), cache: false });
      expect({
        id: model.card.id,
        same: Buffer.from(model.onnx).equals(Buffer.from(onnx)),
        source: model.source,
      }).toEqual({ id: card.id, same: true, source: String(pkg.modelUrl) });
      expect(log).toEqual([String(pkg.cardUrl), String(pkg.modelUrl)]);
      const wrong = { ...renamed, [`${BASE}assets/model-3f2a.onnx`]: new Uint8Array(onnx.length) };
      await expect(loadModel(pkg, { fetch: fakeFetch(wrong, []), cache: false })).rejects.toMatchObject({
        code: 'MODEL_INTEGRITY',
      });
      await expect(
        loadModel(pkg, { fetch: fakeFetch(renamed, []), cache: false, dtype: 'fp16' }),
      ).rejects.toMatchObject({
        code: 'MODEL_NOT_FOUND',
      });
    },
  );

  test('without a model, the zoo index names the default; the scorer scores with it', async () => {
    const log: string[] = [];
    const scorer = await createScorer(undefined, { fetch: fakeFetch(files, log), zooUrl: BASE, cache: false });
    expect(log[0]).toBe(`${BASE}index.json`);
    expect(scorer.card.id).toBe(card.id);
    const inMemory = await createScorer({ card, onnx });
    const image = rgbaImage(50, 40, 9);
    expect(await scorer.score(image)).toBe(await inMemory.score(image));
    await Promise.all([scorer.dispose(), inMemory.dispose()]);
  });

  test('a model whose bytes do not match the card sha256 is refused with MODEL_INTEGRITY', async () => {
    const tampered = { ...files, [`${BASE}${card.id}/onnx/model.onnx`]: onnx.map((b, i) => (i === 10 ? b ^ 1 : b)) };
    const err = await loadModel(`${BASE}${card.id}/`, { fetch: fakeFetch(tampered, []), cache: false }).catch(
      (e: unknown) => e,
    );
    expect(isIqaError(err, 'MODEL_INTEGRITY')).toBe(true);
    expect((err as Error).message).toMatch(
      /Expected sha256 [0-9a-f]{64} for .*model\.onnx \(from the model card\) but received [0-9a-f]{64}/,
    );
  });

  test('a missing folder gives MODEL_NOT_FOUND naming the URL and status', async () => {
    const err = await loadModel(`${BASE}nope/`, { fetch: fakeFetch(files, []) }).catch((e: unknown) => e);
    expect(isIqaError(err, 'MODEL_NOT_FOUND')).toBe(true);
    expect((err as Error).message).toContain(`${BASE}nope/card.json but received HTTP 404`);
  });

  test('fp16 without an fp16 file in the card says so', async () => {
    const err = await loadModel(`${BASE}${card.id}/`, { fetch: fakeFetch(files, []), dtype: 'fp16' }).catch(
      (e: unknown) => e,
    );
    expect(isIqaError(err, 'MODEL_NOT_FOUND')).toBe(true);
    expect((err as Error).message).toMatch(/files\.onnxFp16/);
  });

  test("dtype 'fp16' loads the card's onnxFp16 file, which scores close to fp32", async () => {
    const proto = onnxProto.ModelProto.decode(onnx);
    proto.graph = onnxProto.GraphProto.fromObject(toFp16(proto.graph!));
    const half = onnxProto.ModelProto.encode(proto).finish();
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    const both: ModelCard = {
      ...card,
      files: {
        onnx: { path: 'model.onnx', sha256: sha(onnx), bytes: onnx.length },
        onnxFp16: { path: 'model_fp16.onnx', sha256: sha(half), bytes: half.length },
      },
    };
    const folder = `${BASE}both/`;
    const log: string[] = [];
    const served = {
      [`${folder}card.json`]: JSON.stringify(both),
      [`${folder}model.onnx`]: onnx,
      [`${folder}model_fp16.onnx`]: half,
    };
    const fp16 = await createScorer(folder, { fetch: fakeFetch(served, log), dtype: 'fp16', cache: false });
    expect(log).toEqual([`${folder}card.json`, `${folder}model_fp16.onnx`]);
    const fp32 = await createScorer({ card, onnx });
    const image = rgbaImage(64, 64, 4);
    const [a, b] = [await fp16.score(image), await fp32.score(image)];
    expect(a).not.toBe(b);
    expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-2 * Math.max(1, Math.abs(b)));
    await Promise.all([fp16.dispose(), fp32.dispose()]);
  });

  test('the Cache API serves the second load; a corrupted cached copy is downloaded again', async () => {
    const cache = new MapCache();
    const opened: string[] = [];
    g.caches = {
      open: async (name: string) => {
        opened.push(name);
        return cache;
      },
    };
    const url = `${BASE}${card.id}/onnx/model.onnx`;
    const log: string[] = [];
    await loadModel(`${BASE}${card.id}/`, { fetch: fakeFetch(files, log) });
    expect(opened).toEqual(['iqa-zoo-models']);
    expect(cache.entries.get(url)).toEqual(onnx);

    log.length = 0;
    const progress: LoadProgress[] = [];
    const again = await loadModel(`${BASE}${card.id}/`, {
      fetch: fakeFetch(files, log),
      onProgress: (p) => progress.push(p),
    });
    expect(again.onnx).toEqual(onnx);
    expect(log).not.toContain(url);
    expect(progress.filter((p) => p.phase === 'model').pop()).toMatchObject({ fromCache: true, loaded: onnx.length });

    cache.entries.set(url, onnx.slice(0, 100));
    log.length = 0;
    const healed = await loadModel(`${BASE}${card.id}/`, { fetch: fakeFetch(files, log), cache: 'other' });
    expect(opened.pop()).toBe('other');
    expect(healed.onnx).toEqual(onnx);
    expect(log).toContain(url);
    expect(cache.entries.get(url)).toEqual(onnx);
  });
  test(
    'on WASM the card fast preset is the default: its crops and its dtype file; preset "default" or explicit ' +
      'options win; the reason says which',
    async () => {
      // A stand-in "q8" file: the fp32 graph with its output doubled, to see which file ran.
      const proto = onnxProto.ModelProto.decode(onnx);
      const out = proto.graph!.output![0]!.name!;
      for (const n of proto.graph!.node!) n.output = n.output!.map((o) => (o === out ? `${out}_half` : o));
      proto.graph!.node!.push(
        onnxProto.NodeProto.create({
          opType: 'Add',
          input: [`${out}_half`, `${out}_half`],
          output: [out],
          name: 'double',
        }),
      );
      const q8 = onnxProto.ModelProto.encode(proto).finish();
      const hash = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
      const folder = `${BASE}fast/`;
      const served: ModelCard = {
        ...card,
        files: {
          onnx: { path: 'model.onnx', sha256: hash(onnx), bytes: onnx.length },
          onnxQ8: { path: 'model_q8.onnx', sha256: hash(q8), bytes: q8.length },
        },
        presets: { fast: { crops: 2, dtype: 'q8', description: 'measured in a test' } },
      };
      const log: string[] = [];
      const fetchFn = fakeFetch(
        {
          [`${folder}card.json`]: JSON.stringify(served),
          [`${folder}model.onnx`]: onnx,
          [`${folder}model_q8.onnx`]: q8,
        },
        log,
      );
      const image = rgbaImage(80, 64, 9);
      const open = (o: object) => createScorer(folder, { fetch: fetchFn, cache: false, ...o });
      const fast = await open({});
      const plain = await open({ preset: 'default' });
      const twoCropsFp32 = await open({ preset: 'default', crops: 2 });
      const mixed = await open({ crops: 4 });
      try {
        expect(fast.deviceReason).toContain('; fast preset (2 crops, q8): measured in a test');
        expect(plain.deviceReason).toContain('; 4 crops, fp32: preset "default" asked for');
        expect(mixed.deviceReason).toContain('; fast preset (4 crops, q8 (crops as given)): measured in a test');
        expect(log.filter((u) => u.endsWith('model_q8.onnx'))).toHaveLength(2);
        const [f, p, two, m] = [
          await fast.score(image),
          await plain.score(image),
          await twoCropsFp32.score(image),
          await mixed.score(image),
        ];
        expect(f).toBeCloseTo(2 * two, 4);
        expect(m).toBeCloseTo(2 * p, 4);
        expect(f).not.toBeCloseTo(2 * p, 4);
      } finally {
        await Promise.all([fast, plain, twoCropsFp32, mixed].map((s) => s.dispose()));
      }
      // The same RangeError, from core's checkScorerOptions, as runtime-node gives.
      await expect(open({ preset: 'fastest' })).rejects.toThrow(
        new RangeError('Expected one of default, fast for options.preset but received "fastest"'),
      );
    },
  );
});
