/**
 * chooseThreads' rules in a browser-like global scope (a `window`, `crossOriginIsolated`,
 * `navigator.hardwareConcurrency`): isolation, ORT's default count, and, outside the prebuilt bundle,
 * threads only with a `wasmPaths` that names onnxruntime-web's `.mjs` (test/vite-bundle.test.ts runs
 * the same rule in Chromium).
 */
import { chooseThreads } from '../src/device.js';

const g = globalThis as Record<string, unknown>;

describe('chooseThreads in a browser', () => {
  const realWarn = console.warn;
  let warnings: string[] = [];
  const saved = {
    window: g.window,
    crossOriginIsolated: g.crossOriginIsolated,
    navigator: Object.getOwnPropertyDescriptor(globalThis, 'navigator'),
  };

  function page(isolated: boolean, cores = 8): void {
    g.window = {};
    g.crossOriginIsolated = isolated;
    Object.defineProperty(globalThis, 'navigator', {
      value: { hardwareConcurrency: cores },
      configurable: true,
      writable: true,
    });
  }

  beforeEach(() => {
    warnings = [];
    console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
  });
  afterEach(() => {
    console.warn = realWarn;
    g.window = saved.window;
    g.crossOriginIsolated = saved.crossOriginIsolated;
    if (saved.navigator) Object.defineProperty(globalThis, 'navigator', saved.navigator);
    else delete g.navigator;
  });

  test('not isolated: 1 thread whatever was asked, saying why', () => {
    page(false);
    expect(chooseThreads(4, '/ort/')).toEqual({
      threads: 1,
      why: expect.stringMatching(/not cross-origin isolated.*\(asked for 4\)/),
    });
    expect(warnings).toEqual([]);
  });

  test('isolated with a folder prefix or an mjs URL: the requested count, else min(4, ceil(cores / 2))', () => {
    page(true, 8);
    expect(chooseThreads(2, '/ort/')).toEqual({ threads: 2, why: 'cross-origin isolated; numThreads as requested' });
    expect(chooseThreads(undefined, { mjs: '/a/ort.mjs', wasm: '/a/ort.wasm' })).toEqual({
      threads: 4,
      why: 'cross-origin isolated; min(4, ceil(8 cores / 2))',
    });
    page(true, 3);
    expect(chooseThreads(undefined, { mjs: new URL('https://cdn.example/ort.mjs') }).threads).toBe(2);
    expect(warnings).toEqual([]);
  });

  test.each([
    ['no wasmPaths', undefined],
    ['only the .wasm URL', { wasm: '/a/ort.wasm' }],
  ])('isolated with %s: lowered to 1 thread, with a warning and the reason', (_, wasmPaths) => {
    page(true, 8);
    const out = chooseThreads(undefined, wasmPaths);
    expect(out.threads).toBe(1);
    expect(out.why).toMatch(
      /min\(4, ceil\(8 cores \/ 2\)\) would be 4, but without wasmPaths for the \.mjs .*pass wasmPaths/,
    );
    expect(warnings).toEqual([expect.stringContaining('[iqa-zoo] WASM on 1 thread')]);
  });

  test('1 thread needs nothing more, and bad counts are refused', () => {
    page(true, 8);
    expect(chooseThreads(1)).toEqual({ threads: 1, why: 'cross-origin isolated; numThreads as requested' });
    expect(warnings).toEqual([]);
    expect(() => chooseThreads(0)).toThrow(RangeError);
    expect(() => chooseThreads(1.5)).toThrow(/Expected positive integer for numThreads but received 1.5/);
  });
});
