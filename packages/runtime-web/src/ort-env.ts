/**
 * The one place runtime-web imports onnxruntime-web.
 *
 * `onnxruntime-web`'s default entry holds both the WASM and the WebGPU (JSEP) backends in the browser
 * and resolves to its Node build under Node (used by our Node tests). `ort.env.wasm` settings take
 * effect once, when the first session of the page initialises the runtime.
 */
import * as ort from 'onnxruntime-web';

export { ort };

/** Defined (`true`) only by scripts/build-browser.mjs when it builds the prebuilt `dist/browser/` bundle. */
declare const __IQA_ZOO_PREBUILT__: boolean | undefined;

/**
 * True in the prebuilt `dist/browser/iqa-zoo-web.js`. onnxruntime-web starts its WASM worker threads
 * from its own module URL: there that is the prebuilt bundle, which holds only the library, so threads
 * work with no `wasmPaths`; when an app's bundler inlines onnxruntime-web, it is the app's own chunk.
 */
export const PREBUILT_BUNDLE = typeof __IQA_ZOO_PREBUILT__ !== 'undefined' && __IQA_ZOO_PREBUILT__ === true;

/** True under Node (the tests); false in browsers and workers. */
export function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined';
}

let initialised: { threads: number; wasmPaths?: string } | undefined;

/**
 * Applies `wasmPaths` and the thread count before the first session; later calls cannot change
 * them (onnxruntime-web initialises its WebAssembly module once per page) and return what is in use.
 */
export function configureWasm(
  threads: number,
  wasmPaths?: string | { wasm?: string | URL; mjs?: string | URL },
): number {
  if (initialised) return initialised.threads;
  ort.env.wasm.numThreads = threads;
  if (wasmPaths !== undefined) ort.env.wasm.wasmPaths = wasmPaths;
  initialised = { threads };
  return threads;
}

/** The thread count the runtime was initialised with, if any session was created yet. */
export function wasmThreadsInUse(): number | undefined {
  return initialised?.threads;
}
