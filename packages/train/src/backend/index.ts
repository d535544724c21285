/**
 * tfjs backends for training in Node: backend selection and fast convolution gradients for wasm.
 */

// Backend selection
export { initTfBackend, TF_BACKEND_REQUESTS } from './select-backend.js';
export type { InitTfBackendOptions, TfBackendInfo, TfBackendRequest } from './select-backend.js';
export { isWasmThreadCount, MAX_WASM_THREADS, startThreadedWasm, wasmThreadsInUse } from './node-wasm-threads.js';

// wasm convolution gradient kernels
export {
  registerWasmGradKernels,
  createWasmGradKernelConfigs,
  isWasmGradKernelRegistered,
  WASM_GRAD_KERNEL_NAMES,
} from './wasm-grad-kernels.js';
export type { KernelRegistry, RegisterGradKernelsResult, WasmGradKernelName } from './wasm-grad-kernels.js';
