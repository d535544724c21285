/**
 * Runs other kernels of a backend from inside a kernel, on raw `TensorInfo`s, and frees the
 * intermediates. This is how tfjs backends compose kernels (no engine, no tape, no tensor tracking).
 */
import type * as tf from '@tensorflow/tfjs';

/** Finds the kernel registered under a name for the scope's backend (`tf.getKernel` bound to it). */
export type KernelLookup = (kernelName: string) => tf.KernelConfig | undefined;

/** The part of a tfjs backend a kernel scope needs (refcounted data, as every backend has). */
interface RefCountedBackend {
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Calls registered kernels of one backend and disposes every intermediate it did not `keep`. */
export class KernelScope {
  private readonly temps = new Set<tf.TensorInfo>();

  constructor(
    private readonly backend: tf.KernelBackend,
    private readonly lookup: KernelLookup,
  ) {}

  /** Runs `kernelName` on this scope's backend; the output is freed by `dispose()` unless kept. */
  run(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: object = {}): tf.TensorInfo {
    const config = this.lookup(kernelName);
    if (config === undefined) throw new Error(`Kernel '${kernelName}' is not registered for this backend`);
    const out = config.kernelFunc({ inputs, attrs: attrs as tf.NamedAttrMap, backend: this.backend });
    if (Array.isArray(out)) {
      throw new Error(`Kernel '${kernelName}' returned ${out.length} outputs where one was expected`);
    }
    this.temps.add(out);
    return out;
  }

  /** Reshape (a view: shares data with its input). */
  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  /** Transpose with a permutation of the axes. */
  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /** A new float32 tensor on the backend from values computed in JavaScript. */
  fromValues(values: Float32Array, shape: number[]): tf.TensorInfo {
    const info: tf.TensorInfo = { dataId: this.backend.write(values, shape, 'float32'), shape, dtype: 'float32' };
    this.temps.add(info);
    return info;
  }

  /** Reads a tensor's values (for small tensors such as filters). */
  values(info: tf.TensorInfo): Float32Array {
    return this.backend.readSync(info.dataId) as Float32Array;
  }

  /** Takes `info` out of the scope: `dispose()` will not free it. */
  keep(info: tf.TensorInfo): tf.TensorInfo {
    this.temps.delete(info);
    return info;
  }

  /** Frees one intermediate now (to bound memory inside loops). */
  free(info: tf.TensorInfo): void {
    if (this.temps.delete(info)) (this.backend as unknown as RefCountedBackend).disposeData(info.dataId);
  }

  /** Frees every intermediate still owned by the scope. */
  dispose(): void {
    const backend = this.backend as unknown as RefCountedBackend;
    for (const info of this.temps) backend.disposeData(info.dataId);
    this.temps.clear();
  }
}

/** Runs `body` with a fresh scope; the returned info is kept, everything else is freed, also on error. */
export function withKernelScope(
  backend: tf.KernelBackend,
  lookup: KernelLookup,
  body: (scope: KernelScope) => tf.TensorInfo,
): tf.TensorInfo {
  const scope = new KernelScope(backend, lookup);
  try {
    return scope.keep(body(scope));
  } finally {
    scope.dispose();
  }
}
