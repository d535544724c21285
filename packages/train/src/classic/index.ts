/** Classic (hand-crafted feature) models: the RBF SVR that BRISQUE's features are regressed with. */
export { fitSvr } from './fit-svr.js';
export type { SvrParams, FittedSvr } from './fit-svr.js';
export { gridSearchSvr, crossValidatedPredictions, kFoldAssignment } from './svr-grid.js';
export type { SvrGrid, SvrGridResult } from './svr-grid.js';
export { svrToOnnx, scalingAffine } from './svr-onnx.js';
export type { SvrOnnxOptions } from './svr-onnx.js';
export { brisqueToOnnx } from './brisque-onnx.js';
export type { BrisqueOnnxOptions } from './brisque-onnx.js';
