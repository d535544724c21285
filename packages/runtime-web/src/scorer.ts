import {
  type CardPreset,
  IqaError,
  type ModelCard,
  type ScoreOutcome,
  chooseProtocol,
  expected,
  scorePixels,
  toIqaError,
} from '@iqa-zoo/core';
import { chooseDevice } from './device.js';
import { loadModel } from './model-source.js';
import { configureWasm, isNode } from './ort-env.js';
import { toRawImage } from './pixels.js';
import { type WebSession, createSession } from './session.js';
import { WEB_DTYPES, type WebImageInput, type WebModelSource, type WebScorer, type WebScorerOptions } from './types.js';

function checkOptions(options: WebScorerOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(expected('an options object', 'options', options));
  if (options.dtype !== undefined && !WEB_DTYPES.includes(options.dtype)) {
    throw new TypeError(expected(`one of ${WEB_DTYPES.join(', ')}`, 'options.dtype', options.dtype));
  }
  if (options.preset !== undefined && options.preset !== 'default' && options.preset !== 'fast') {
    throw new TypeError(expected('one of default, fast', 'options.preset', options.preset));
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new TypeError(expected('a function', 'options.onProgress', options.onProgress));
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new TypeError(expected('a function', 'options.fetch', options.fetch));
  }
}

/** What the scorer runs (crops, dtype) and why: the card's fast preset, or its protocol. */
function presetReason(
  preset: 'default' | 'fast',
  fast: CardPreset | undefined,
  card: ModelCard,
  dtype: string | undefined,
  options: WebScorerOptions,
): string {
  const p = card.input.protocol;
  const what = `${p.kind === 'crops' ? `${p.count} crop${p.count === 1 ? '' : 's'}` : 'the whole image'}, ${dtype ?? 'the ONNX bytes given'}`;
  const given = [options.crops !== undefined ? 'crops' : '', options.dtype !== undefined ? 'dtype' : '']
    .filter((s) => s)
    .join(' and ');
  const asked = given ? ` (${given} as given)` : '';
  if (fast) return `; fast preset (${what}${asked}): ${fast.description}`;
  if (preset === 'fast') return `; ${what}${asked}: the card has no fast preset, so its protocol`;
  return `; ${what}${asked}: ${options.preset === 'default' ? 'preset "default" asked for' : 'the card protocol on WebGPU'}`;
}

/**
 * Loads a model and returns a scorer running in the browser (WebGPU or WASM), the same shape
 * as runtime-node's `createScorer`. Pixels go through `@iqa-zoo/core`'s preprocessing, so the same
 * pixels give the same tensor, and the same score, in both runtimes.
 *
 * @example
 * import { createScorer } from '@iqa-zoo/runtime-web';
 * const scorer = await createScorer('/models/mobilenetv2-ml-clive/', { device: 'auto', onProgress: (p) => console.log(p.loaded) });
 * console.log(scorer.device, scorer.deviceReason);
 * const score = await scorer.score(fileInput.files[0]);
 * await scorer.dispose();
 */
export async function createScorer(model?: WebModelSource, options: WebScorerOptions = {}): Promise<WebScorer> {
  checkOptions(options);
  const choice = await chooseDevice(options.device ?? 'auto', options.numThreads, options.wasmPaths);
  // On WASM the card's fast preset (measured: fewer crops, q8) is the default; WebGPU keeps the protocol.
  const preset = options.preset ?? (choice.device === 'wasm' ? 'fast' : 'default');
  const fastOf = (c: ModelCard) => (preset === 'fast' ? c.presets?.fast : undefined);
  const loaded = await loadModel(model, options, (c) => options.dtype ?? fastOf(c)?.dtype ?? 'fp32');
  const fast = fastOf(loaded.card);
  // `crops`/`cropSeed` change only how images are cut; `card` stays the model's own.
  const scoringCard = {
    ...loaded.card,
    input: chooseProtocol(loaded.card, { crops: options.crops ?? fast?.crops, cropSeed: options.cropSeed }),
  };
  const threads = configureWasm(choice.threads, isNode() ? undefined : options.wasmPaths);
  let reason =
    threads === choice.threads
      ? choice.reason
      : `${choice.reason}; but this page's runtime already started with ${threads} thread(s)`;
  reason += presetReason(preset, fast, scoringCard, loaded.dtype, options);
  let device = choice.device;
  let session: WebSession;
  if (device === 'webgpu') {
    try {
      session = await createSession(loaded.onnx, loaded.card, 'webgpu');
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      console.warn(`[iqa-zoo] WebGPU session failed (${why}); falling back to wasm`);
      device = 'wasm';
      reason = `${reason}; but the WebGPU session failed (${why}), so WASM with ${threads} thread(s)`;
      session = await createSession(loaded.onnx, loaded.card, 'wasm');
    }
  } else {
    session = await createSession(loaded.onnx, loaded.card, 'wasm');
  }
  const { card } = loaded;
  let disposed = false;

  const score = async (input: WebImageInput): Promise<number> => {
    if (disposed) throw new IqaError('INVALID_ARGUMENT', 'Expected a live scorer but this one was disposed');
    const raw = await toRawImage(input, options.fetch);
    return scorePixels(scoringCard, raw, session.run);
  };

  return {
    card,
    device,
    deviceReason: reason,
    threads,
    score,
    async scoreBatch(inputs: readonly WebImageInput[]): Promise<ScoreOutcome[]> {
      if (!Array.isArray(inputs)) throw new TypeError(expected('an array of images', 'inputs', inputs));
      const out: ScoreOutcome[] = [];
      for (let i = 0; i < inputs.length; i++) {
        try {
          out.push({ score: await score(inputs[i]!) });
        } catch (err) {
          out.push({ error: toIqaError(err, `image ${i}`) });
        }
      }
      return out;
    },
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      await session.release();
    },
  };
}
