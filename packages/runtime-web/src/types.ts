import { MODEL_DTYPES, type ModelCard, type ModelDtype, type ProtocolChoice, type Scorer } from '@iqa-zoo/core';

/** Where the model runs in the browser: WebGPU, or ONNX Runtime's WebAssembly CPU backend. */
export type WebDevice = 'webgpu' | 'wasm';

/** What `createScorer` may be asked for: a device, or `'auto'` (WebGPU when an adapter exists, else WASM). */
export type WebDeviceRequest = 'auto' | WebDevice;

/** The allowed `device` values, for error messages and validation. */
export const WEB_DEVICES: readonly WebDeviceRequest[] = ['auto', 'webgpu', 'wasm'];

/**
 * Which ONNX file of the card to load: `fp32` (`files.onnx`), `fp16` (`files.onnxFp16`) or `q8`
 * (`files.onnxQ8`, int8).
 */
export type WebDtype = ModelDtype;

/** The allowed `dtype` values (core's `MODEL_DTYPES`: one list for both runtimes). */
export const WEB_DTYPES: readonly WebDtype[] = MODEL_DTYPES;

/**
 * Pixels already in memory, shaped like `ImageData`: interleaved 8-bit samples, row-major.
 * `channels` defaults to 4 (RGBA with straight alpha, as `ImageData` has).
 */
export interface ImageDataLike {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
  channels?: 1 | 3 | 4;
}

/**
 * Everything `score` accepts: decoded pixels (`ImageData` or alike), anything a 2D canvas can draw
 * (`HTMLImageElement`, `HTMLCanvasElement`, `OffscreenCanvas`, `ImageBitmap`), an encoded image
 * (`Blob`/`File`), or the URL of an image (`string` or `URL`, fetched with the scorer's `fetch`).
 */
export type WebImageInput =
  | ImageDataLike
  | ImageData
  | HTMLImageElement
  | HTMLCanvasElement
  | OffscreenCanvas
  | ImageBitmap
  | Blob
  | URL
  | string;

/** A model already in memory: its card and the ONNX bytes. */
export interface InMemoryModel {
  card: ModelCard;
  onnx: Uint8Array | ArrayBuffer;
}

/**
 * A zoo model package (`import * as model from '@iqa-zoo/model-<id>'`): its files as URLs, which a
 * bundler such as Vite emits as assets (`new URL('./model.onnx', import.meta.url)` in the package).
 */
export interface ModelPackageUrls {
  cardUrl: string | URL;
  modelUrl: string | URL;
  modelFp16Url?: string | URL;
  modelQ8Url?: string | URL;
}

/** A model folder URL (holding `card.json` and the card's ONNX file), a model package's URLs, or a model in memory. */
export type WebModelSource = string | URL | ModelPackageUrls | InMemoryModel;

/** One progress report while a model loads. */
export interface LoadProgress {
  /** `card` while `card.json` loads, `model` while the ONNX file loads. */
  phase: 'card' | 'model';
  url: string;
  loaded: number;
  /** Total bytes when known (from the card or `Content-Length`). */
  total?: number;
  /** True when the bytes came from the Cache API instead of the network. */
  fromCache: boolean;
}

/** Options of `createScorer` in the browser. */
export interface WebScorerOptions extends ProtocolChoice {
  /**
   * `auto` (default): WebGPU when an adapter exists, else WASM. A failing `webgpu` falls back to
   * WASM with a warning.
   */
  device?: WebDeviceRequest;
  /**
   * Which ONNX file of the card to load (default `fp32`, or the fast preset's). Ignored for a model
   * passed in memory.
   */
  dtype?: WebDtype;
  /**
   * `fast`: the card's measured cheaper setting (`card.presets.fast`: fewer crops and/or another
   * dtype); `default`: the card's protocol in fp32. Default: `fast` when the model runs on WASM (no
   * WebGPU), `default` on WebGPU; `crops` and `dtype` given here win over the preset. `deviceReason` says which.
   */
  preset?: 'default' | 'fast';
  /**
   * Where onnxruntime-web finds its `.wasm` (and `.mjs`) files: a URL prefix ending in `/`, or
   * `{ wasm, mjs }` URLs. Default: next to the bundle that imports onnxruntime-web (our
   * `dist/browser/` build ships `ort-wasm-simd-threaded.jsep.wasm` there).
   */
  wasmPaths?: string | { wasm?: string | URL; mjs?: string | URL };
  /**
   * WASM threads. Default: ORT's choice (min(4, cores / 2)) when the page is cross-origin isolated,
   * else 1. More than 1 without cross-origin isolation is lowered to 1 (the reason says so), and so
   * is more than 1 without a `wasmPaths` that names the `.mjs` (a folder prefix, or `mjs`) when
   * runtime-web is bundled into an app (not the prebuilt `dist/browser/` bundle): see docs/runtime-web.md, Builds.
   */
  numThreads?: number;
  /** Called while the card and the ONNX file download. */
  onProgress?: (progress: LoadProgress) => void;
  /** The `fetch` used for the model and for image URLs (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /**
   * Cache API use for the ONNX file: `true` (default where `caches` exists) uses the cache
   * `iqa-zoo-models`; a string names another cache; `false` always downloads.
   */
  cache?: boolean | string;
  /** Where the zoo lives when `model` is omitted: `<zooUrl>index.json` names the default model. Default `/models/`. */
  zooUrl?: string | URL;
}

/** The browser scorer: the shared `Scorer` shape, plus why its device was chosen. */
export interface WebScorer extends Scorer<WebImageInput, WebDevice> {
  /** Why `device` was chosen, e.g. `auto: no WebGPU adapter (navigator.gpu is missing); WASM, 1 thread (...)`. */
  readonly deviceReason: string;
  /** WASM threads in use (1 on WebGPU runs that fall back to WASM kernels for some ops). */
  readonly threads: number;
}
