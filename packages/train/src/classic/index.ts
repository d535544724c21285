/** Classic (hand-crafted feature) models: the RBF SVR that BRISQUE's features are regressed with. */
export { fitSvr } from './fit-svr.js';
export type { SvrParams, FittedSvr } from './fit-svr.js';
export { gridSearchSvr, crossValidatedPredictions, kFoldAssignment } from './svr-grid.js';
export type { SvrGrid, SvrGridResult } from './svr-grid.js';
export { svrToOnnx, scalingAffine } from './svr-onnx.js';
export type { SvrOnnxOptions } from './svr-onnx.js';
export { brisqueToOnnx } from './brisque-onnx.js';
export type { BrisqueOnnxOptions } from './brisque-onnx.js';
export { buildHosaCodebook } from './hosa-codebook.js';
export type { HosaSettings, HosaCodebookOptions } from './hosa-codebook.js';
export { fitLinearSvr, linearPredict, crossValidateLinearSvr, gramMatrix } from './hosa-svr.js';
export type { LinearSvrParams, LinearSvr } from './hosa-svr.js';
export { hosaToOnnx } from './hosa-onnx.js';
export type { HosaOnnxOptions } from './hosa-onnx.js';
