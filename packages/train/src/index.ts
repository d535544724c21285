/**
 * @iqa-zoo/train: tfjs networks, distortions, ranking + MOS training and evaluation (Node).
 */
export * from './networks/index.js';
export * from './io/index.js';
