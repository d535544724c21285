/**
 * Test helpers: run the same gradient computation on 'wasm' and 'cpu' and compare.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradKernels } from '../../src/backend/index.js';

/**
 * Starts wasm (with our kernels) and cpu once per test file. `checkKernelLeaks` turns on tfjs' own
 * per-kernel data-id leak check (IS_TEST), which misfires on custom-gradient ops such as fused conv;
 * otherwise PROD mode is set. Either flag silences the "install tfjs-node" banner.
 */
export async function setUpBackends(checkKernelLeaks = false): Promise<void> {
  tf.env().set(checkKernelLeaks ? 'IS_TEST' : 'PROD', true);
  registerWasmGradKernels();
  if (!(await tf.setBackend('cpu'))) throw new Error('cpu backend failed');
  if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend failed');
}

/** Disposes every backend (frees the wasm heap), so a jest worker running several files exits promptly. */
export function tearDownBackends(): void {
  tf.engine().reset();
}

/** Deterministic random values of a shape (generated on cpu, so both backends see the same numbers). */
export function randomValues(shape: number[], seed: number): Float32Array {
  let s = seed >>> 0;
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Runs `f` on `backend`, returning plain arrays and how many tensors it leaked. */
export function onBackend(backend: 'wasm' | 'cpu', f: () => tf.Tensor[]): { values: Float32Array[]; leaked: number } {
  tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const outs = f();
  const values = outs.map((t) => t.dataSync() as Float32Array);
  tf.dispose(outs);
  return { values, leaked: tf.memory().numTensors - before };
}

/** max |a - b| / max(1, max |b|): the error relative to the reference's scale. */
export function relativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

/**
 * Computes `f` on wasm and cpu and returns the worst relative error over its outputs, plus the
 * number of tensors the wasm run leaked.
 */
export function compareBackends(f: () => tf.Tensor[]): { error: number; leaked: number } {
  const wasm = onBackend('wasm', f);
  const cpu = onBackend('cpu', f);
  tf.setBackend('wasm');
  const errors = wasm.values.map((v, i) => relativeError(v, cpu.values[i]!));
  return { error: Math.max(...errors), leaked: wasm.leaked };
}

/** Expects `f` to give the same outputs on wasm and cpu (relative error < `tolerance`) and to leak nothing on wasm. */
export function expectSameOnBackends(f: () => tf.Tensor[], tolerance = 1e-4): void {
  const { error, leaked } = compareBackends(f);
  expect(error).toBeLessThan(tolerance);
  expect(leaked).toBe(0);
}
