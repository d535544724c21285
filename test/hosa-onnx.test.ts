/**
 * HOSA as one ONNX graph (train's hosaToOnnx) against core's TypeScript (scoreHosa), in onnxruntime-node and
 * onnxruntime-web (WASM), on a codebook that train's buildHosaCodebook learns in the test; the committed zoo model
 * hosa-clive rebuilt from its model file; and createScorer('hosa-clive') in Node against scoreHosa.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CARD_METADATA_KEY,
  type HosaModel,
  type RawImage,
  hosaFeatureCount,
  hosaPatches,
  mulberry32,
  parseHosaModel,
  scoreHosa,
  validateCard,
} from '@iqa-zoo/core';
import { createScorer, readEmbeddedCard } from '@iqa-zoo/runtime-node';
import { buildHosaCodebook, hosaToOnnx } from '@iqa-zoo/train';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import sharp from 'sharp';

const MODEL_DIR = resolve('models/hosa-clive');

/** A textured RGB image with grain; `blur` smooths it (sharp's Gaussian). */
async function texture(width: number, height: number, seed: number, blur = 0): Promise<RawImage> {
  const rand = mulberry32(seed);
  const data = Uint8Array.from({ length: width * height * 3 }, (_, k) => {
    const x = Math.floor(k / 3) % width;
    const y = Math.floor(k / 3 / width);
    return Math.round(120 + 60 * Math.sin(x / (4 + (k % 3)) + y / 7) + 50 * (rand() - 0.5));
  });
  let img = sharp(data, { raw: { width, height, channels: 3 } });
  if (blur) img = img.blur(blur);
  const raw = await img.raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(raw.data), width, height, channels: 3 };
}

/** A codebook of 12 codewords learnt from the images' patches, and random SVR weights. */
function smallModel(images: RawImage[]): HosaModel {
  const patches = images.map((img) => hosaPatches(img, 7, 10));
  const rows = new Float64Array(patches.reduce((a, p) => a + p.data.length, 0));
  let at = 0;
  for (const p of patches) {
    rows.set(p.data, at);
    at += p.data.length;
  }
  const codebook = buildHosaCodebook(
    rows,
    49,
    { patch: 7, c: 10, r: 5, beta: 0.05, alpha: 0.2, eps: 1e-4 },
    {
      k: 12,
      seed: 5,
    },
  );
  const rand = mulberry32(9);
  const weights = Array.from({ length: hosaFeatureCount(codebook) }, () => (rand() - 0.5) * 200);
  return { format: 'iqa-zoo/hosa', version: 1, codebook, weights, bias: 45 };
}

describe('hosaToOnnx', () => {
  it("equals core's scoreHosa within 1e-4, per image and as a batch, in onnxruntime-node and -web", async () => {
    const images = [await texture(120, 90, 1), await texture(120, 90, 2, 1.5), await texture(120, 90, 3, 4)];
    const model = smallModel(images);
    const onnx = hosaToOnnx(model);
    const core = images.map((img) => scoreHosa(img, model));
    const node = await ortNode.InferenceSession.create(onnx);
    const web = await ortWeb.InferenceSession.create(onnx, { executionProviders: ['wasm'] });
    try {
      const batch = new Float32Array(3 * 90 * 120 * 3);
      images.forEach((img, i) => {
        batch.set(img.data, i * 90 * 120 * 3);
      });
      const a = (await node.run({ image: new ortNode.Tensor('float32', batch, [3, 90, 120, 3]) })).score!;
      const b = (await web.run({ image: new ortWeb.Tensor('float32', batch, [3, 90, 120, 3]) })).score!;
      expect(a.dims).toEqual([3, 1]);
      (a.data as Float32Array).forEach((v, i) => {
        expect(Math.abs(v - core[i]!)).toBeLessThan(1e-4);
        expect(Math.abs((b.data as Float32Array)[i]! - core[i]!)).toBeLessThan(1e-4);
      });
      // An odd-sized image (remainders on both sides) with a flat corner on its own.
      const odd = await texture(97, 131, 4);
      for (let y = 0; y < 40; y++) odd.data.fill(90, y * 97 * 3, y * 97 * 3 + 60);
      const got = (
        await node.run({ image: new ortNode.Tensor('float32', Float32Array.from(odd.data), [1, 131, 97, 3]) })
      ).score!.data[0] as number;
      expect(Math.abs(got - scoreHosa(odd, model))).toBeLessThan(1e-4);
      // The scores differ: the graph is not constant.
      expect(new Set(core.map((v) => v.toFixed(2))).size).toBe(3);
    } finally {
      await node.release();
      await web.release();
    }
  }, 60_000);

  it('refuses a bad model and equal input and output names', () => {
    const model = smallModel([
      { data: new Uint8Array(32 * 32).map((_, i) => (i * 37) % 256), width: 32, height: 32, channels: 1 },
    ]);
    expect(() => hosaToOnnx({ ...model, weights: [1] })).toThrow('for the HOSA model.weights');
    expect(() => hosaToOnnx(model, { inputName: 'x', outputName: 'x' })).toThrow(RangeError);
  });
});

describe('models/hosa-clive', () => {
  const card = validateCard(JSON.parse(readFileSync(join(MODEL_DIR, 'card.json'), 'utf8')));
  const model = parseHosaModel(JSON.parse(readFileSync(join(MODEL_DIR, card.files.svr!.path), 'utf8')));
  const onnx = new Uint8Array(readFileSync(join(MODEL_DIR, card.files.onnx.path)));

  it('model.onnx is hosaToOnnx of the model file the card lists, with the card embedded', () => {
    const embedded = readEmbeddedCard(onnx, 'model.onnx')!;
    expect({ ...embedded, files: card.files }).toEqual(card);
    const { files: _files, ...withoutFiles } = card;
    const rebuilt = hosaToOnnx(model, { metadata: { [CARD_METADATA_KEY]: JSON.stringify(withoutFiles) } });
    expect(Buffer.from(rebuilt).equals(Buffer.from(onnx))).toBe(true);
  });

  it("createScorer('hosa-clive') scores as core's scoreHosa within 1e-4, and refuses small images", async () => {
    const scorer = await createScorer('hosa-clive', { device: 'cpu' });
    try {
      expect(scorer.card).toEqual(card);
      expect(card.input.protocol).toEqual({ kind: 'hosa', patch: 7 });
      const scores: number[] = [];
      for (const [i, blur] of [0, 1.5, 4].entries()) {
        const img = await texture(120, 90, 11 + i, blur);
        const png = await sharp(img.data, { raw: { width: 120, height: 90, channels: 3 } })
          .png()
          .toBuffer();
        const got = await scorer.score(png);
        expect(Math.abs(got - scoreHosa(img, model))).toBeLessThanOrEqual(1e-4);
        scores.push(got);
      }
      expect(new Set(scores.map((s) => s.toFixed(2))).size).toBe(3);
      const tiny = await sharp({ create: { width: 15, height: 40, channels: 3, background: '#808080' } })
        .png()
        .toBuffer();
      await expect(scorer.score(tiny)).rejects.toMatchObject({ code: 'IMAGE_TOO_SMALL' });
    } finally {
      await scorer.dispose();
    }
  }, 60_000);
});
