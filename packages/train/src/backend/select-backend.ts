/**
 * Picks the tfjs backend for training in Node, the way onnxruntime picks execution providers: each
 * candidate that fails is skipped with its reason recorded; only an explicitly requested backend that
 * cannot start throws (IqaError 'DEVICE_UNAVAILABLE', listing why).
 *
 * 'auto' order: @tensorflow/tfjs-node-gpu, @tensorflow/tfjs-node (native 'tensorflow' backend, optional
 * and usually not installed), then 'wasm' with this package's gradient kernels, then 'cpu'.
 */
import * as tf from '@tensorflow/tfjs';
import { IqaError } from '@iqa-zoo/core';
import { isWasmThreadCount, MAX_WASM_THREADS, startThreadedWasm, wasmThreadsInUse } from './node-wasm-threads.js';
import { registerWasmGradKernels } from './wasm-grad-kernels.js';

/** A backend request: 'auto' tries native TensorFlow, then wasm, then cpu. */
export type TfBackendRequest = 'auto' | 'wasm' | 'cpu' | 'tensorflow';

/** The backend requests `initTfBackend` accepts. */
export const TF_BACKEND_REQUESTS: readonly TfBackendRequest[] = ['auto', 'wasm', 'cpu', 'tensorflow'];

/** Options of `initTfBackend`. */
export interface InitTfBackendOptions {
  /** Which backend to start (default 'auto'). */
  backend?: TfBackendRequest;
  /**
   * wasm threads, 1 to 8 (default 1): XNNPACK's pool on tfjs' threaded build (`node-wasm-threads.ts`).
   * Only read when wasm first starts in the process. On 2 cores, 2 threads train WaDIQaM-NR about 1.3x
   * faster (`node scripts/bench-train-threads.mjs`); the results are bitwise the same.
   */
  threads?: number;
}

/** The backend that was started, and why it was chosen (with the reasons others were skipped). */
export interface TfBackendInfo {
  /** `tf.getBackend()` after initialisation: 'tensorflow', 'wasm' or 'cpu'. */
  name: string;
  /** Human-readable account of the choice, e.g. "@tensorflow/tfjs-node: not installed; wasm: ...". */
  reason: string;
}

/** Native TensorFlow bindings, best first. Each registers the 'tensorflow' backend when imported. */
const NATIVE_MODULES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

function describeImportError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return 'not installed';
  return `failed to load (${err instanceof Error ? err.message : String(err)})`;
}

async function trySetBackend(name: string, start = () => tf.setBackend(name)): Promise<string | null> {
  try {
    return (await start()) ? null : `tf.setBackend('${name}') returned false`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Tries the native modules in order; returns the started one or null, recording each failure. */
async function startNative(why: string[]): Promise<TfBackendInfo | null> {
  for (const moduleName of NATIVE_MODULES) {
    try {
      await import(moduleName as string);
    } catch (err) {
      why.push(`${moduleName}: ${describeImportError(err)}`);
      continue;
    }
    const failure = await trySetBackend('tensorflow');
    if (failure === null) return { name: tf.getBackend(), reason: [...why, `${moduleName}: loaded`].join('; ') };
    why.push(`${moduleName}: loaded but backend failed (${failure})`);
  }
  return null;
}

async function startWasm(threads: number, why: string[]): Promise<TfBackendInfo | null> {
  const kernels = registerWasmGradKernels();
  const failure = await trySetBackend('wasm', () => startThreadedWasm(threads));
  if (failure !== null) {
    why.push(`wasm: ${failure}`);
    return null;
  }
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD';
  const added = kernels.registered.length + kernels.unchanged.length;
  const inUse = wasmThreadsInUse() ?? threads;
  const asked = inUse === threads ? '' : ` (${threads} asked: threads are fixed when wasm first starts)`;
  why.push(
    `wasm: started (${simd}, ${inUse} thread${inUse === 1 ? '' : 's'}${asked}, ${added} gradient kernels registered)`,
  );
  return { name: tf.getBackend(), reason: why.join('; ') };
}

async function startCpu(why: string[]): Promise<TfBackendInfo | null> {
  const failure = await trySetBackend('cpu');
  if (failure !== null) {
    why.push(`cpu: ${failure}`);
    return null;
  }
  why.push('cpu: started (pure JavaScript, slow: for tests)');
  return { name: tf.getBackend(), reason: why.join('; ') };
}

function validate(options: InitTfBackendOptions): { backend: TfBackendRequest; threads: number } {
  const backend = options.backend ?? 'auto';
  if (!TF_BACKEND_REQUESTS.includes(backend)) {
    const allowed = TF_BACKEND_REQUESTS.map((b) => `'${b}'`).join(', ');
    throw new RangeError(`Expected one of ${allowed} for backend but received ${JSON.stringify(backend)}`);
  }
  const threads = options.threads ?? 1;
  if (!isWasmThreadCount(threads)) {
    throw new RangeError(
      `Expected an integer from 1 to ${MAX_WASM_THREADS} for threads but received ${JSON.stringify(threads)}`,
    );
  }
  return { backend, threads };
}

/**
 * Starts a tfjs backend for training and reports which one and why.
 *
 * @example
 * const { name, reason } = await initTfBackend(); // 'auto'
 * console.log(`training on ${name}: ${reason}`);
 * // e.g. "wasm": "@tensorflow/tfjs-node-gpu: not installed; @tensorflow/tfjs-node: not installed;
 * //   wasm: started (SIMD, 1 thread, 4 gradient kernels registered)"
 */
export async function initTfBackend(options: InitTfBackendOptions = {}): Promise<TfBackendInfo> {
  const { backend, threads } = validate(options);
  const why: string[] = [];
  const attempts: Array<() => Promise<TfBackendInfo | null>> = {
    auto: [() => startNative(why), () => startWasm(threads, why), () => startCpu(why)],
    tensorflow: [() => startNative(why)],
    wasm: [() => startWasm(threads, why)],
    cpu: [() => startCpu(why)],
  }[backend];
  for (const attempt of attempts) {
    const info = await attempt();
    if (info !== null) return info;
  }
  throw new IqaError('DEVICE_UNAVAILABLE', `No tfjs backend could start for '${backend}': ${why.join('; ')}`);
}
