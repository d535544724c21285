/**
 * @iqa-zoo/runtime-node: score images in Node with onnxruntime-node (CUDA or CPU) and sharp.
 */

// Scoring API
export { createScorer, DEFAULT_BATCHING } from './scorer/create-scorer.js';
export type { NodeScorer, NodeScorerOptions } from './scorer/create-scorer.js';
export { DEVICES, defaultIntraOpThreads } from './scorer/session.js';
export type { NodeDevice, ResolvedDevice } from './scorer/session.js';

// Images
export { decodeImage } from '@iqa-zoo/image-node';
export type { DecodeOptions } from '@iqa-zoo/image-node';
export { readImageInput } from './image/input.js';
export type { NodeImageInput } from './image/input.js';

// Models and the zoo
export { loadModel } from './model/load-model.js';
export { MODEL_DTYPES } from './model/load-model.js';
export type { LoadedModel, ModelDtype, ModelSourceOptions } from './model/load-model.js';
export { readEmbeddedCard } from './model/onnx-card.js';
export { zooDir, readZooIndex, readCardFile, listZooCards, findModelPackage } from './model/zoo.js';
export type { ZooOptions } from './model/zoo.js';
export { downloadModelFolder, modelCacheDir } from './model/remote-model.js';
export type { DownloadProgress, RemoteOptions } from './model/remote-model.js';
