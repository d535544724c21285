/**
 * @iqa-zoo/runtime-web: score image quality in the browser with onnxruntime-web (WebGPU, else WASM).
 * The same `createScorer` shape as `@iqa-zoo/runtime-node`; preprocessing comes from `@iqa-zoo/core`.
 */

// Scoring
export { createScorer } from './scorer.js';
export type {
  WebScorer,
  WebScorerOptions,
  WebDevice,
  WebDeviceRequest,
  WebDtype,
  WebImageInput,
  ImageDataLike,
  InMemoryModel,
  WebModelSource,
  ModelPackageUrls,
  LoadProgress,
} from './types.js';
export { WEB_DEVICES, WEB_DTYPES } from './types.js';

// Devices
export { chooseDevice, chooseThreads, probeWebGpu } from './device.js';
export type { DeviceChoice } from './device.js';

// Images
export { toRawImage, fromImageData, decodeBlob, drawToPixels } from './pixels.js';

// Model loading
export { loadModel } from './model-source.js';
export type { LoadedModel } from './model-source.js';
export { downloadModel, sha256Hex, checkIntegrity, DEFAULT_CACHE_NAME } from './download.js';
