import { IqaError, type ModelCard, type RunModel, type TensorData } from '@iqa-zoo/core';
import { ort } from './ort-env.js';
import type { WebDevice } from './types.js';

/** An inference session with the card's input/output names bound, and runs queued one at a time. */
export interface WebSession {
  run: RunModel;
  release(): Promise<void>;
}

/** Creates the onnxruntime-web session on `device` (on `webgpu`, ORT itself keeps ops WebGPU lacks on the CPU). */
export async function createSession(onnx: Uint8Array, card: ModelCard, device: WebDevice): Promise<WebSession> {
  const session = await ort.InferenceSession.create(onnx, {
    // Only the one provider: a WebGPU failure must surface so createScorer can fall back and say so.
    executionProviders: [device],
    graphOptimizationLevel: 'all',
  });
  const inName = card.input.name;
  const outName = card.output.name;
  if (!session.inputNames.includes(inName) || !session.outputNames.includes(outName)) {
    await session.release();
    throw new IqaError(
      'INVALID_CARD',
      `Expected the ONNX model to have input ${JSON.stringify(inName)} and output ${JSON.stringify(outName)} (from the card) but received inputs [${session.inputNames.join(', ')}], outputs [${session.outputNames.join(', ')}]`,
    );
  }
  // onnxruntime-web refuses overlapping runs on one session: chain them.
  let queue: Promise<unknown> = Promise.resolve();
  const runOnce = async (t: TensorData): Promise<Float32Array> => {
    const feeds = { [inName]: new ort.Tensor('float32', t.data, t.dims) };
    const results = await session.run(feeds);
    const out = results[outName]!;
    try {
      const data = device === 'webgpu' && out.location === 'gpu-buffer' ? await out.getData(true) : out.data;
      if (!(data instanceof Float32Array))
        throw new IqaError('INTERNAL', `Expected a float32 output ${outName} but received ${out.type}`);
      return data.slice();
    } finally {
      for (const r of Object.values(results)) r.dispose();
    }
  };
  const run: RunModel = (t) => {
    const next = queue.then(() => runOnce(t));
    queue = next.catch(() => undefined);
    return next;
  };
  return { run, release: () => session.release() };
}
