/**
 * Multi-threaded tfjs-backend-wasm in Node (XNNPACK's thread pool on Emscripten pthreads).
 *
 * tfjs-backend-wasm 4.22 ships a threaded SIMD build whose Emscripten glue supports Node's
 * worker_threads, but never uses it there (tensorflow/tfjs#3830): its `WASM_HAS_MULTITHREAD_SUPPORT`
 * flag is false in Node, and it hands Emscripten its two worker scripts as `Blob` object URLs, which
 * Node's `Worker` cannot load. Its C++ also caps the pool at half of the logical cores
 * (`emscripten_num_logical_cores() / 2`, so 1 on a 2-core machine) and at 8.
 *
 * `startThreadedWasm` starts the 'wasm' backend with `threads` threads all the same. For the duration
 * of `tf.setBackend('wasm')` only, it:
 * - sets `WASM_HAS_MULTITHREAD_SUPPORT`;
 * - turns the two scripts into files: the pthread worker script (written once into a temporary
 *   folder, removed when the process exits) and the main script (the package's own
 *   `wasm-out/tfjs-backend-wasm-threaded-simd.js`, the unbundled copy of the factory tfjs runs);
 * - reports at least `2 * threads` logical cores to Emscripten, so the cap lets `threads` through.
 * Every other `Blob` and object URL passes through untouched, and all three globals are restored
 * afterwards, whether the start succeeded or not.
 *
 * The arithmetic is XNNPACK's either way: results are bitwise equal to one thread's (tested).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

/** Emscripten's pre-created pthread workers in tfjs-backend-wasm 4.22 (its C++ caps the pool there). */
export const MAX_WASM_THREADS = 8;

/** Whether `n` is a thread count `startThreadedWasm` accepts: an integer from 1 to `MAX_WASM_THREADS`. */
export function isWasmThreadCount(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= MAX_WASM_THREADS;
}

/** The first characters of the scripts tfjs wraps in a Blob for its threaded build. */
const MAIN_SCRIPT_START = 'var WasmBackendModuleThreadedSimd';
const WORKER_SCRIPT_START = '"use strict";var Module={};var ENVIRONMENT_IS_NODE';
/** In the worker, the main script arrives as our String object: read it as the path it is. */
const WORKER_PRELUDE = 'URL.createObjectURL=function(x){return String(x)};URL.revokeObjectURL=function(){};\n';

const require = createRequire(import.meta.url);

let workerFile: string | undefined;

/** Writes the pthread worker script once per process; the folder goes when the process exits. */
function writeWorkerScript(text: string): string {
  if (workerFile !== undefined) return workerFile;
  const dir = mkdtempSync(join(tmpdir(), 'iqa-zoo-wasm-threads-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'tfjs-backend-wasm-threaded-simd.worker.cjs');
  writeFileSync(file, WORKER_PRELUDE + text);
  workerFile = file;
  return file;
}

/** Blob parts as text, when they are all strings (tfjs' are); undefined otherwise. */
function textOf(parts: unknown): string | undefined {
  if (!Array.isArray(parts) || !parts.every((p) => typeof p === 'string')) return undefined;
  return parts.join('');
}

/** Installs the three shims; returns the function that restores the originals. */
function installShims(threads: number): () => void {
  const os = require('node:os') as { cpus: () => unknown[] };
  const originalCpus = os.cpus;
  const OriginalBlob = globalThis.Blob;
  const originalCreateObjectURL = URL.createObjectURL;
  const files = new WeakSet<object>();
  const asFile = (path: string): object => {
    const marker = new String(path);
    files.add(marker);
    return marker;
  };
  os.cpus = () => {
    const cpus = originalCpus.call(os);
    while (cpus.length > 0 && cpus.length < 2 * threads) cpus.push(cpus[0]);
    return cpus;
  };
  function ShimBlob(parts?: unknown, options?: ConstructorParameters<typeof Blob>[1]): object {
    const text = textOf(parts);
    if (text?.startsWith(MAIN_SCRIPT_START)) {
      return asFile(require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js'));
    }
    if (text?.startsWith(WORKER_SCRIPT_START)) return asFile(writeWorkerScript(text));
    return new OriginalBlob(parts as ConstructorParameters<typeof Blob>[0], options);
  }
  globalThis.Blob = ShimBlob as unknown as typeof Blob;
  URL.createObjectURL = (obj: Blob) => (files.has(obj) ? String(obj) : originalCreateObjectURL(obj));
  return () => {
    os.cpus = originalCpus;
    globalThis.Blob = OriginalBlob;
    URL.createObjectURL = originalCreateObjectURL;
  };
}

/** The thread count the running wasm backend uses, or undefined when wasm has not started. */
export function wasmThreadsInUse(): number | undefined {
  try {
    return getThreadsCount();
  } catch {
    return undefined;
  }
}

/**
 * Starts tfjs' 'wasm' backend in Node with `threads` XNNPACK threads (1 to `MAX_WASM_THREADS`); with 1,
 * tfjs' single-threaded SIMD build as usual. Returns `tf.setBackend`'s answer. Threads are fixed when
 * wasm first starts in a process: a later call with another count changes nothing (see
 * `wasmThreadsInUse`).
 */
export async function startThreadedWasm(threads: number): Promise<boolean> {
  if (!isWasmThreadCount(threads)) {
    throw new RangeError(
      `Expected an integer from 1 to ${MAX_WASM_THREADS} for wasm threads but received ${JSON.stringify(threads)}`,
    );
  }
  setThreadsCount(threads);
  if (threads === 1 || wasmThreadsInUse() !== undefined) return tf.setBackend('wasm');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  const restore = installShims(threads);
  let started: boolean;
  try {
    started = await tf.setBackend('wasm');
  } finally {
    restore();
  }
  if (started) unrefWorkers();
  return started;
}

/** Node worker threads keep a process alive: let it exit when only the idle pool is left. */
function unrefWorkers(): void {
  const backend = tf.findBackend('wasm') as { wasm?: { PThread?: PThreadPool } } | null;
  const pool = backend?.wasm?.PThread;
  for (const worker of [...(pool?.unusedWorkers ?? []), ...(pool?.runningWorkers ?? [])]) worker.unref?.();
}

/** The part of Emscripten's `PThread` object this module touches. */
interface PThreadPool {
  unusedWorkers?: Array<{ unref?: () => void }>;
  runningWorkers?: Array<{ unref?: () => void }>;
}
