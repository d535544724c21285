/**
 * @iqa-zoo/train: tfjs networks, distortions, ranking + MOS training and evaluation (Node).
 */
export * from './networks/index.js';
export * from './io/index.js';
export * from './backend/index.js';
export * from './distortions/index.js';
export * from './dataset/index.js';
export * from './training/index.js';
export * from './classic/index.js';
export { trainCommand } from './cli/train.js';
