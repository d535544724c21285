import { expected } from '@iqa-zoo/core';
import { isNode } from './ort-env.js';
import { WEB_DEVICES, type WebDevice, type WebDeviceRequest } from './types.js';

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
    return { ok: false, why: `navigator.gpu.requestAdapter() failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** WASM threads: the caller's number when allowed, else ORT's default when cross-origin isolated, else 1. */
export function chooseThreads(requested: number | undefined): { threads: number; why: string } {
  if (requested !== undefined && (!Number.isInteger(requested) || requested < 1)) {
    throw new RangeError(expected('positive integer', 'numThreads', requested));
  }
  if (isNode()) return { threads: 1, why: 'Node build of onnxruntime-web runs single-threaded' };
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  if (!g.crossOriginIsolated) {
    const lowered = requested !== undefined && requested > 1 ? ` (asked for ${requested})` : '';
    return { threads: 1, why: `page is not cross-origin isolated, so SharedArrayBuffer is off${lowered}; serve it with COOP/COEP headers for threads` };
  }
  if (requested !== undefined) return { threads: requested, why: 'cross-origin isolated; numThreads as requested' };
  const cores = g.navigator?.hardwareConcurrency ?? 1;
  const threads = Math.max(1, Math.min(4, Math.ceil(cores / 2)));
  return { threads, why: `cross-origin isolated; min(4, ceil(${cores} cores / 2))` };
}

/**
 * Resolves `device` to what will run: `auto` takes WebGPU when an adapter exists, else WASM;
 * `webgpu` without an adapter falls back to WASM with a warning, as onnxruntime drops a failing provider.
 *
 * @example
 * const choice = await chooseDevice('auto', undefined);
 * choice.device; // 'wasm' in a browser without WebGPU
 */
export async function chooseDevice(request: WebDeviceRequest, numThreads: number | undefined): Promise<DeviceChoice> {
  if (!WEB_DEVICES.includes(request)) {
    throw new TypeError(`${expected('one of auto, webgpu, wasm', 'device', request)}`);
  }
  const { threads, why: threadWhy } = chooseThreads(numThreads);
  const wasmReason = (prefix: string): string => `${prefix}; WASM with ${threads} thread${threads === 1 ? '' : 's'} (${threadWhy})`;
  if (request === 'wasm') return { device: 'wasm', threads, reason: wasmReason('wasm requested') };
  const gpu = isNode() ? { ok: false as const, why: 'WebGPU is not available under Node' } : await probeWebGpu();
  if (gpu.ok) return { device: 'webgpu', threads, reason: `${request === 'auto' ? 'auto' : 'webgpu requested'}: WebGPU adapter found (${gpu.adapter})` };
  if (request === 'webgpu') console.warn(`[iqa-zoo] webgpu requested but unavailable: ${gpu.why}; falling back to wasm`);
  return { device: 'wasm', threads, reason: wasmReason(`${request === 'auto' ? 'auto' : 'webgpu requested, fell back'}: no WebGPU (${gpu.why})`) };
}
