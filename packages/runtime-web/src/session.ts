import {
  RunBatcher,
  type RunModel,
  type TensorData,
  checkSessionIo,
  float32Output,
  interleaveOutputs,
  secondOutputName,
  valuesPerItem,
} from '@iqa-zoo/core';
import type { LoadedModel } from './model-source.js';
import { ort } from './ort-env.js';
import type { WebDevice } from './types.js';

/** An inference session with the card's input/output names bound, and runs queued one at a time. */
export interface WebSession {
  run: RunModel;
  release(): Promise<void>;
}

/** Creates the onnxruntime-web session on `device` (on `webgpu`, ORT itself keeps ops WebGPU lacks on the CPU). */
export async function createSession(model: LoadedModel, device: WebDevice): Promise<WebSession> {
  const { card, onnx } = model;
  const session = await ort.InferenceSession.create(onnx, {
    // Only the one provider: a WebGPU failure must surface so createScorer can fall back and say so.
    executionProviders: [device],
    graphOptimizationLevel: 'all',
  });
  const inName = card.input.name;
  const outName = card.output.name;
  // A distribution model's spread (NIMA) or a patch model's weights (WaDIQaM-NR).
  const spreadName = secondOutputName(card);
  try {
    checkSessionIo(session, card, model.source);
  } catch (err) {
    await session.release();
    throw err;
  }
  const runOnce = async (t: TensorData): Promise<Float32Array> => {
    const feeds = { [inName]: new ort.Tensor('float32', t.data, t.dims) };
    const results = await session.run(feeds);
    const read = async (name: string): Promise<Float32Array> => {
      const out = results[name]!;
      const data = device === 'webgpu' && out.location === 'gpu-buffer' ? await out.getData(true) : out.data;
      return float32Output(name, out.type, data).slice();
    };
    try {
      const scores = await read(outName);
      // Each item's score and second value, interleaved as core's scorer reads them.
      return spreadName ? interleaveOutputs(scores, await read(spreadName)) : scores;
    } finally {
      for (const r of Object.values(results)) r.dispose();
    }
  };
  // onnxruntime-web refuses overlapping runs on one session: one at a time.
  const batcher = new RunBatcher(runOnce, { valuesPerItem: valuesPerItem(card) });
  return { run: (t) => batcher.run(t), release: () => session.release() };
}
