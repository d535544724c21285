import { availableParallelism } from 'node:os';
import { IqaError } from '@iqa-zoo/core';
import * as ort from 'onnxruntime-node';

/** Where the model runs: `auto` tries CUDA and falls back to CPU. */
export type NodeDevice = 'auto' | 'cuda' | 'cpu';
/** The device that actually runs (after fallback). */
export type ResolvedDevice = 'cuda' | 'cpu';

export const DEVICES: readonly NodeDevice[] = ['auto', 'cuda', 'cpu'];

/** A device name maps to execution providers through this one table. */
const PROVIDERS: Record<ResolvedDevice, string[]> = { cuda: ['cuda'], cpu: ['cpu'] };

export interface SessionOptions {
  device: NodeDevice;
  /** Intra-op threads (0 lets onnxruntime choose). */
  threads: number;
}

/**
 * The intra-op threads a scorer uses when the caller names none: one per available core. A
 * scorer's runs are serialised (one `session.run` at a time), so one process scoring a batch, a
 * library call or a service's concurrent requests all run one model at a time with every core;
 * left to itself (0), onnxruntime-node used fewer here (docs/runtime-node.md, Threads). Several
 * scoring processes on one machine should split the cores (`threads: cores / processes`).
 *
 * @example
 * await createScorer('mobilenetv2-ml-clive', { threads: defaultIntraOpThreads() }); // the same as leaving it out
 */
export function defaultIntraOpThreads(): number {
  return availableParallelism();
}

/** An open session, the device it runs on and why that one. */
export interface OpenedSession {
  session: ort.InferenceSession;
  device: ResolvedDevice;
  /** Why this device: asked for, or `auto`'s fallback to CPU with the reason CUDA could not start. */
  reason: string;
}

async function open(onnx: Uint8Array, device: ResolvedDevice, threads: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(onnx, {
    executionProviders: PROVIDERS[device],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // Keep onnxruntime's own console quiet; failures reach us as exceptions.
    logSeverityLevel: 4,
  });
}

/**
 * Opens an onnxruntime-node session on the requested device. `cuda` throws
 * `IqaError('DEVICE_UNAVAILABLE')` when CUDA cannot be used; `auto` then uses CPU and says why in `reason`.
 *
 * @example
 * const { session, device, reason } = await openSession(bytes, { device: 'auto', threads: 0 });
 */
export async function openSession(onnx: Uint8Array, opts: SessionOptions): Promise<OpenedSession> {
  if (!DEVICES.includes(opts.device)) {
    throw new RangeError(
      `Expected one of ${DEVICES.map((d) => JSON.stringify(d)).join(', ')} for device but received ` +
        `${JSON.stringify(opts.device)}`,
    );
  }
  if (!Number.isInteger(opts.threads) || opts.threads < 0) {
    throw new RangeError(`Expected a non-negative integer for threads but received ${JSON.stringify(opts.threads)}`);
  }
  let fallback: string | undefined;
  if (opts.device !== 'cpu') {
    // A missing CUDA library is reported to us as an exception; keep onnxruntime's own
    // console error about it quiet unless the caller chose a log level.
    if (ort.env.logLevel === 'warning') ort.env.logLevel = 'fatal';
    try {
      return {
        session: await open(onnx, 'cuda', opts.threads),
        device: 'cuda',
        reason: `device "${opts.device}": CUDA started${threadsText(opts.threads)}`,
      };
    } catch (err) {
      const why = (err as Error).message.split('\n')[0];
      if (opts.device === 'cuda') {
        throw new IqaError(
          'DEVICE_UNAVAILABLE',
          `Expected CUDA for device "cuda" but onnxruntime-node could not use it: ${why}. Install onnxruntime-node ` +
            `with its CUDA libraries (see docs/cuda.md) or use device "cpu" or "auto"`,
          { cause: err },
        );
      }
      if (isModelError(err)) throw toModelError(err);
      fallback = `CUDA is not available (${why}); running on CPU. See docs/cuda.md to enable it.`;
    }
  }
  try {
    return {
      session: await open(onnx, 'cpu', opts.threads),
      device: 'cpu',
      reason: `${fallback ?? 'device "cpu" asked for'}${threadsText(opts.threads)}`,
    };
  } catch (err) {
    throw toModelError(err);
  }
}

function threadsText(threads: number): string {
  return threads === 0
    ? '; intra-op threads chosen by onnxruntime'
    : `; ${threads} intra-op thread${threads === 1 ? '' : 's'}`;
}

/** True when a session failed because of the model rather than the execution provider. */
function isModelError(err: unknown): boolean {
  return (
    /protobuf|graph|model|opset|ir version/i.test((err as Error).message) &&
    !/cuda|provider|shared library/i.test((err as Error).message)
  );
}

function toModelError(err: unknown): IqaError {
  return new IqaError(
    'MODEL_INTEGRITY',
    `Expected a valid ONNX model but onnxruntime-node refused it: ${(err as Error).message}`,
    { cause: err },
  );
}
