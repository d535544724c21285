import { type CardPreset, type ModelCard, checkScorerOptions, scorerFromParts, scoringChoice } from '@iqa-zoo/core';
import { chooseDevice } from './device.js';
import { loadModel } from './model-source.js';
import { configureWasm, isNode } from './ort-env.js';
import { toRawImage } from './pixels.js';
import { type WebSession, createSession } from './session.js';
import type { WebImageInput, WebModelSource, WebScorer, WebScorerOptions } from './types.js';

/** What the scorer runs (crops, dtype) and why: the card's fast preset, or its protocol. */
function presetReason(
  preset: 'default' | 'fast',
  fast: CardPreset | undefined,
  card: ModelCard,
  dtype: string | undefined,
  options: WebScorerOptions,
): string {
  const p = card.input.protocol;
  const whole = p.kind === 'patches' ? `every ${p.size}px patch` : 'the whole image';
  const cut = p.kind === 'crops' ? `${p.count} crop${p.count === 1 ? '' : 's'}` : whole;
  const what = `${cut}, ${dtype ?? 'the ONNX bytes given'}`;
  const given = [options.crops !== undefined ? 'crops' : '', options.dtype !== undefined ? 'dtype' : '']
    .filter((s) => s)
    .join(' and ');
  const asked = given ? ` (${given} as given)` : '';
  if (fast) return `; fast preset (${what}${asked}): ${fast.description}`;
  if (preset === 'fast') return `; ${what}${asked}: the card has no fast preset, so its protocol`;
  const why = options.preset === 'default' ? 'preset "default" asked for' : 'the card protocol on WebGPU';
  return `; ${what}${asked}: ${why}`;
}

/**
 * Loads a model and returns a scorer running in the browser (WebGPU or WASM), the same shape
 * as runtime-node's `createScorer`. Pixels go through `@iqa-zoo/core`'s preprocessing, so the same
 * pixels give the same tensor, and the same score, in both runtimes.
 *
 * @example
 * import { createScorer } from '@iqa-zoo/runtime-web';
 * const onProgress = (p) => console.log(p.loaded);
 * const scorer = await createScorer('/models/mobilenetv2-ml-clive/', { device: 'auto', onProgress });
 * console.log(scorer.device, scorer.deviceReason);
 * const score = await scorer.score(fileInput.files[0]);
 * await scorer.dispose();
 */
export async function createScorer(model?: WebModelSource, options: WebScorerOptions = {}): Promise<WebScorer> {
  checkScorerOptions(options);
  const choice = await chooseDevice(options.device ?? 'auto', options.numThreads, options.wasmPaths);
  // On WASM the card's fast preset (measured: fewer crops, q8) is the default; WebGPU keeps the protocol.
  const preset = options.preset ?? (choice.device === 'wasm' ? 'fast' : 'default');
  const asked = { ...options, preset };
  const loaded = await loadModel(model, options, (c) => scoringChoice(c, asked).dtype);
  const { fast, card: cutBy } = scoringChoice(loaded.card, asked);
  const threads = configureWasm(choice.threads, isNode() ? undefined : options.wasmPaths);
  let reason =
    threads === choice.threads
      ? choice.reason
      : `${choice.reason}; but this page's runtime already started with ${threads} thread(s)`;
  reason += presetReason(preset, fast, cutBy, loaded.dtype, options);
  let device = choice.device;
  let session: WebSession;
  if (device === 'webgpu') {
    try {
      session = await createSession(loaded, 'webgpu');
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      console.warn(`[iqa-zoo] WebGPU session failed (${why}); falling back to wasm`);
      device = 'wasm';
      reason = `${reason}; but the WebGPU session failed (${why}), so WASM with ${threads} thread(s)`;
      session = await createSession(loaded, 'wasm');
    }
  } else {
    session = await createSession(loaded, 'wasm');
  }
  const scorer = scorerFromParts({
    card: loaded.card,
    scoringCard: cutBy,
    device,
    decode: (input: WebImageInput) => toRawImage(input, options.fetch),
    run: session.run,
    release: session.release,
  });
  return { ...scorer, deviceReason: reason, threads };
}
