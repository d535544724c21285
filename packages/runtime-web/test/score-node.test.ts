/**
 * runtime-web under Node (onnxruntime-web's Node build, WASM): the score equals core's scorePixels
 * run through a direct onnxruntime-web session, and onnxruntime-node's, within 1e-4.
 */
import { type ModelCard, type RunModel, chooseProtocol, isIqaError, preprocess, scorePixels } from '@iqa-zoo/core';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { createFixtureModel } from '../../../test/helpers/fixture-model.js';
import { type WebScorer, createScorer } from '../src/index.js';
import { rgbaImage } from './helpers/images.js';

type Session = { run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown }>> };

function runner(ort: typeof ortWeb | typeof ortNode, session: Session, card: ModelCard): RunModel {
  return async (t) => {
    const out = await session.run({ [card.input.name]: new ort.Tensor('float32', t.data, t.dims) });
    return out[card.output.name]!.data as Float32Array;
  };
}

const close = (a: number, b: number, tol = 1e-4) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe('runtime-web createScorer under Node (WASM)', () => {
  let card: ModelCard;
  let onnx: Uint8Array;
  let scorer: WebScorer;
  let webRun: RunModel;
  let nodeRun: RunModel;

  beforeAll(async () => {
    ({ card, onnx } = await createFixtureModel());
    scorer = await createScorer({ card, onnx }, { device: 'auto' });
    const webSession = await ortWeb.InferenceSession.create(onnx);
    const nodeSession = await ortNode.InferenceSession.create(onnx);
    webRun = runner(ortWeb, webSession as unknown as Session, card);
    nodeRun = runner(ortNode, nodeSession as unknown as Session, card);
  });
  afterAll(() => scorer?.dispose());

  test('reports the device it chose and why', () => {
    expect(scorer.device).toBe('wasm');
    expect(scorer.deviceReason).toMatch(/WebGPU is not available under Node/);
    // On WASM the fast preset is the default; this card has none, and an in-memory model has no dtype file.
    expect(scorer.deviceReason).toMatch(
      /; 4 crops, the ONNX bytes given: the card has no fast preset, so its protocol$/,
    );
    expect(scorer.threads).toBe(1);
    expect(scorer.card.id).toBe(card.id);
  });

  test.each([
    [64, 48],
    [37, 91],
    [128, 128],
  ])('scores a %ix%i RGBA image as scorePixels + onnxruntime-web/-node do', async (w, h) => {
    const image = rgbaImage(w, h, w * 7 + h);
    const got = await scorer.score(image);
    const raw = { ...image, channels: 4 as const };
    const viaWeb = await scorePixels(card, raw, webRun);
    const viaNode = await scorePixels(card, raw, nodeRun);
    expect(Number.isFinite(got)).toBe(true);
    expect(got).toBe(viaWeb);
    expect(close(got, viaNode)).toBe(true);
  });

  test(
    'crops and cropSeed: the same score as scorePixels over chooseProtocol, and a different one from the card ' +
      'default',
    async () => {
      const image = rgbaImage(96, 72, 3);
      const raw = { ...image, channels: 4 as const };
      const few = await createScorer({ card, onnx }, { device: 'wasm', crops: 2, cropSeed: 9 });
      try {
        const got = await few.score(image);
        expect(got).toBe(
          await scorePixels({ ...card, input: chooseProtocol(card, { crops: 2, cropSeed: 9 }) }, raw, webRun),
        );
        expect(got).not.toBe(await scorer.score(image));
        expect(few.card.input.protocol).toEqual(card.input.protocol);
      } finally {
        await few.dispose();
      }
      await expect(createScorer({ card, onnx }, { crops: -1 })).rejects.toThrow(RangeError);
    },
  );

  test('different images give different scores (the model is not constant)', async () => {
    const a = await scorer.score(rgbaImage(64, 64, 1));
    const flat = { data: new Uint8ClampedArray(64 * 64 * 4).fill(200), width: 64, height: 64 };
    const b = await scorer.score(flat);
    expect(a).not.toBe(b);
  });

  test('alpha is composited onto white as in core: semi-transparent RGBA equals its RGB composite', async () => {
    const rgba = rgbaImage(48, 40, 5, 128);
    const rgb = new Uint8Array(48 * 40 * 3);
    for (let i = 0; i < 48 * 40; i++) {
      for (let c = 0; c < 3; c++) rgb[3 * i + c] = Math.round((rgba.data[4 * i + c]! * 128 + 255 * 127) / 255);
    }
    const tensorA = preprocess({ ...rgba, channels: 4 }, card.input);
    const tensorB = preprocess({ data: rgb, width: 48, height: 40, channels: 3 }, card.input);
    expect(tensorA.data).toEqual(tensorB.data);
    expect(await scorer.score(rgba)).toBe(await scorer.score({ data: rgb, width: 48, height: 40, channels: 3 }));
  });

  test('scoreBatch scores good images and reports a typed error for a bad one', async () => {
    const good = rgbaImage(40, 40, 3);
    const bad = { data: new Uint8ClampedArray(10), width: 40, height: 40 };
    const out = await scorer.scoreBatch([good, bad, good]);
    expect(out).toHaveLength(3);
    expect(out[0]!.score).toBe(await scorer.score(good));
    expect(out[2]!.score).toBe(out[0]!.score);
    expect(isIqaError(out[1]!.error, 'INVALID_IMAGE')).toBe(true);
    expect(out[1]!.error!.message).toMatch(/Expected 6400 bytes .* but received 10/);
  });

  test('bad inputs and options fail with clear errors', async () => {
    await expect(scorer.score(42 as never)).rejects.toThrow(/Expected ImageData .* for input but received 42/);
    await expect(scorer.score({ data: [1, 2, 3], width: 1, height: 1 } as never)).rejects.toThrow(TypeError);
    const p3 = { ...rgbaImage(40, 40), colorSpace: 'display-p3' };
    await expect(scorer.score(p3)).rejects.toMatchObject({
      code: 'UNSUPPORTED_IMAGE',
      message: expect.stringMatching(/Expected sRGB pixels .* colorSpace "display-p3"/),
    });
    await expect(createScorer({ card, onnx }, { device: 'cuda' as never })).rejects.toThrow(
      /Expected one of auto, webgpu, wasm for device but received "cuda"/,
    );
    await expect(createScorer({ card, onnx }, { dtype: 'int8' as never })).rejects.toThrow(
      /Expected one of fp32, fp16, q8 for options.dtype/,
    );
    await expect(createScorer({ card, onnx }, { numThreads: 0 })).rejects.toThrow(RangeError);
    await expect(createScorer({ card: { ...card, id: '' }, onnx })).rejects.toMatchObject({ code: 'INVALID_CARD' });
    await expect(createScorer(42 as never)).rejects.toThrow(
      new RegExp(
        /Expected a model folder URL, a model package \(\{ cardUrl, modelUrl \}\) or \{ card, onnx \} /.source +
          /for model but received 42/.source,
      ),
    );
  });

  test('a card whose input name the ONNX model lacks is refused', async () => {
    const wrong = { ...card, input: { ...card.input, name: 'nope' } };
    await expect(createScorer({ card: wrong, onnx })).rejects.toMatchObject({
      code: 'INVALID_CARD',
      message: expect.stringMatching(/input "nope"/),
    });
  });

  test('a disposed scorer refuses to score', async () => {
    const s = await createScorer({ card, onnx }, { device: 'wasm' });
    await s.dispose();
    await expect(s.score(rgbaImage(32, 32))).rejects.toThrow(/disposed/);
  });
});
