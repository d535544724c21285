import { expected } from '@iqa-zoo/core';
import { PREBUILT_BUNDLE, isNode } from './ort-env.js';
import { WEB_DEVICES, type WebDevice, type WebDeviceRequest, type WebScorerOptions } from './types.js';

/** The device `createScorer` will try, the thread count for WASM, and why. */
export interface DeviceChoice {
  device: WebDevice;
  threads: number;
  reason: string;
}

interface GpuLike {
  requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null>;
}

/** Asks `navigator.gpu` for an adapter; returns it, or why there is none. */
export async function probeWebGpu(): Promise<{ ok: true; adapter: string } | { ok: false; why: string }> {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  if (!nav?.gpu) return { ok: false, why: 'navigator.gpu is missing (WebGPU not supported or not enabled)' };
  try {
    const adapter = await nav.gpu.requestAdapter();
    if (!adapter) return { ok: false, why: 'navigator.gpu.requestAdapter() returned null (no usable GPU adapter)' };
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture, info.description].filter((s) => s).join(' ') || 'unknown adapter';
    return { ok: true, adapter: name };
  } catch (err) {
    return {
      ok: false,
      why: `navigator.gpu.requestAdapter() failed: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/**
 * WASM threads: the caller's number when allowed, else ORT's default when cross-origin isolated, else 1.
 * Outside the prebuilt bundle, more than 1 thread also needs `wasmPaths` naming the `.mjs` (a folder
 * prefix, or `{ mjs }`): otherwise onnxruntime-web starts its worker threads from its own module URL,
 * which in an app's bundle is the app's code (in a Vite build the workers then failed and the session
 * never became ready), so without it the count is lowered to 1.
 *
 * @example
 * // on an isolated page: { threads: 2, why: 'cross-origin isolated; numThreads as requested' }
 * chooseThreads(2, '/ort/');
 */
export function chooseThreads(
  requested: number | undefined,
  wasmPaths?: WebScorerOptions['wasmPaths'],
): { threads: number; why: string } {
  if (requested !== undefined && (!Number.isInteger(requested) || requested < 1)) {
    throw new RangeError(expected('positive integer', 'numThreads', requested));
  }
  if (isNode()) return { threads: 1, why: 'Node build of onnxruntime-web runs single-threaded' };
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  if (!g.crossOriginIsolated) {
    const lowered = requested !== undefined && requested > 1 ? ` (asked for ${requested})` : '';
    return {
      threads: 1,
      why:
        `page is not cross-origin isolated, so SharedArrayBuffer is off${lowered}; serve it with COOP/COEP ` +
        `headers for threads`,
    };
  }
  const cores = g.navigator?.hardwareConcurrency ?? 1;
  const chosen =
    requested !== undefined
      ? { threads: requested, why: 'cross-origin isolated; numThreads as requested' }
      : {
          threads: Math.max(1, Math.min(4, Math.ceil(cores / 2))),
          why: `cross-origin isolated; min(4, ceil(${cores} cores / 2))`,
        };
  // A prefix, or an `mjs` URL, makes onnxruntime-web load its own loader, from which its workers start.
  const loaderGiven = typeof wasmPaths === 'string' || wasmPaths?.mjs !== undefined;
  if (chosen.threads > 1 && !loaderGiven && !PREBUILT_BUNDLE) {
    const why =
      `${chosen.why} would be ${chosen.threads}, but without wasmPaths for the .mjs onnxruntime-web's ` +
      `worker threads would start from the app's own bundle; pass wasmPaths (a folder with the .wasm and .mjs, or ` +
      `both URLs) for threads`;
    console.warn(`[iqa-zoo] WASM on 1 thread: ${why}`);
    return { threads: 1, why };
  }
  return chosen;
}

/**
 * Resolves `device` to what will run: `auto` takes WebGPU when an adapter exists, else WASM;
 * `webgpu` without an adapter falls back to WASM with a warning, as onnxruntime drops a failing provider.
 *
 * @example
 * const choice = await chooseDevice('auto', undefined);
 * choice.device; // 'wasm' in a browser without WebGPU
 */
export async function chooseDevice(
  request: WebDeviceRequest,
  numThreads: number | undefined,
  wasmPaths?: WebScorerOptions['wasmPaths'],
): Promise<DeviceChoice> {
  if (!WEB_DEVICES.includes(request)) {
    throw new TypeError(`${expected('one of auto, webgpu, wasm', 'device', request)}`);
  }
  const { threads, why: threadWhy } = chooseThreads(numThreads, wasmPaths);
  const wasmReason = (prefix: string): string =>
    `${prefix}; WASM with ${threads} thread${threads === 1 ? '' : 's'} (${threadWhy})`;
  if (request === 'wasm') return { device: 'wasm', threads, reason: wasmReason('wasm requested') };
  const gpu = isNode() ? { ok: false as const, why: 'WebGPU is not available under Node' } : await probeWebGpu();
  if (gpu.ok)
    return {
      device: 'webgpu',
      threads,
      reason: `${request === 'auto' ? 'auto' : 'webgpu requested'}: WebGPU adapter found (${gpu.adapter})`,
    };
  if (request === 'webgpu')
    console.warn(`[iqa-zoo] webgpu requested but unavailable: ${gpu.why}; falling back to wasm`);
  return {
    device: 'wasm',
    threads,
    reason: wasmReason(`${request === 'auto' ? 'auto' : 'webgpu requested, fell back'}: no WebGPU (${gpu.why})`),
  };
}
