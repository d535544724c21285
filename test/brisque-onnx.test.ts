/**
 * BRISQUE as ONNX graphs against core's TypeScript: the SVR alone (train's svrToOnnx, against predictSvr) and
 * all of BRISQUE from pixels (brisqueToOnnx, against brisqueFeatures + predictSvr), in onnxruntime-node and
 * onnxruntime-web (WASM); the committed zoo model brisque-clive rebuilt from its SVR file; and
 * createScorer('brisque-clive') in Node against core's pure-TypeScript path.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CARD_METADATA_KEY,
  type RawImage,
  type SvrModel,
  mulberry32,
  parseBrisqueModel,
  predictSvr,
  scoreBrisque,
  validateCard,
} from '@iqa-zoo/core';
import { createScorer, readEmbeddedCard } from '@iqa-zoo/runtime-node';
import { brisqueToOnnx, svrToOnnx } from '@iqa-zoo/train';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import sharp from 'sharp';

const MODEL_DIR = resolve('models/brisque-clive');

/** A small SVR with 5 features, one of them constant in training (svm-scale maps it to 0). */
function smallSvr(): SvrModel {
  const rand = mulberry32(7);
  return {
    kernel: 'rbf',
    gamma: 0.4,
    rho: -12.5,
    coefficients: [3, -1.5, 8, -0.25],
    supportVectors: Array.from({ length: 4 }, () => [
      rand() * 2 - 1,
      rand() * 2 - 1,
      0,
      rand() * 2 - 1,
      rand() * 2 - 1,
    ]),
    scaling: { lower: -1, upper: 1, min: [0, -2, 5, 0.1, 10], max: [1, 2, 5, 0.9, 30] },
  };
}

const rows = (n: number, seed: number): number[][] => {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => [rand(), rand() * 4 - 2, 5 + rand(), rand(), 10 + 20 * rand()]);
};

describe('svrToOnnx', () => {
  it("equals core's predictSvr in onnxruntime-node and onnxruntime-web, batch by batch", async () => {
    const model = smallSvr();
    const onnx = svrToOnnx(model);
    const x = rows(9, 3);
    const data = Float32Array.from(x.flat());
    const expected = x.map((r) => predictSvr(Array.from(Float32Array.from(r)), model));
    const node = await ortNode.InferenceSession.create(onnx);
    const web = await ortWeb.InferenceSession.create(onnx, { executionProviders: ['wasm'] });
    try {
      const a = (await node.run({ features: new ortNode.Tensor('float32', data, [9, 5]) })).score!;
      const b = (await web.run({ features: new ortWeb.Tensor('float32', data, [9, 5]) })).score!;
      expect(a.dims).toEqual([9, 1]);
      expect(b.dims).toEqual([9, 1]);
      expect(Array.from(b.data as Float32Array)).toEqual(Array.from(a.data as Float32Array));
      // float64 inside: only the float32 output rounds (about 1e-6 at these magnitudes).
      (a.data as Float32Array).forEach((v, i) => {
        expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-5);
      });
      // The scores differ, and the constant feature (index 2) has no effect.
      expect(new Set(expected.map((v) => v.toFixed(4))).size).toBe(9);
      const moved = Float32Array.from(x.flatMap((r) => [r[0]!, r[1]!, 99, r[3]!, r[4]!]));
      const c = (await node.run({ features: new ortNode.Tensor('float32', moved, [9, 5]) })).score!;
      expect(Array.from(c.data as Float32Array)).toEqual(Array.from(a.data as Float32Array));
    } finally {
      await node.release();
      await web.release();
    }
  });

  it('rejects a model that is not an RBF SVR, and equal input and output names', () => {
    expect(() => svrToOnnx({ ...smallSvr(), kernel: 'linear' as 'rbf' })).toThrow(
      'Expected "rbf" for the SVR model.kernel',
    );
    expect(() => svrToOnnx(smallSvr(), { inputName: 'x', outputName: 'x' })).toThrow(RangeError);
  });
});

/** The three calibration-style images: a Kodak crop pristine, blurred and noisy (committed with the model). */
async function calibrationImages(): Promise<RawImage[]> {
  const out: RawImage[] = [];
  for (const name of ['kodim03-pristine', 'kodim03-gblur3', 'kodim03-wn3']) {
    const { data, info } = await sharp(join(MODEL_DIR, 'calibration', `${name}.png`))
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    out.push({ data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 });
  }
  return out;
}

describe('brisqueToOnnx', () => {
  it("equals core's brisqueFeatures + predictSvr within 1e-5, " +
    'per image and as a batch, in onnxruntime-node and onnxruntime-web', async () => {
    const svr = parseBrisqueModel(JSON.parse(readFileSync(join(MODEL_DIR, 'brisque-svr.json'), 'utf8')));
    const onnx = brisqueToOnnx(svr);
    const images = await calibrationImages();
    const core = images.map((img) => scoreBrisque(img, svr));
    const node = await ortNode.InferenceSession.create(onnx);
    const web = await ortWeb.InferenceSession.create(onnx, { executionProviders: ['wasm'] });
    try {
      const { width: w, height: h } = images[0]!;
      const batch = new Float32Array(images.length * h * w * 3);
      images.forEach((img, i) => {
        batch.set(img.data, i * h * w * 3);
      });
      const a = (await node.run({ image: new ortNode.Tensor('float32', batch, [3, h, w, 3]) })).score!;
      const b = (await web.run({ image: new ortWeb.Tensor('float32', batch, [3, h, w, 3]) })).score!;
      expect(a.dims).toEqual([3, 1]);
      // The moment sums are float32 row sums, added in each runtime's order: onnxruntime-web and -node differ by
      // up to one float32 step of the score (3.8e-6 on the first 40 CLIVE photos, 36 of them equal; always 0
      // while the graph was all float64).
      (a.data as Float32Array).forEach((v, i) => {
        expect(Math.abs((b.data as Float32Array)[i]! - v)).toBeLessThan(1e-5);
        expect(Math.abs(v - core[i]!)).toBeLessThan(1e-5);
      });
      // An odd-sized crop (the half-scale copy's cubic weights vary per column) on its own.
      const odd = await sharp(join(MODEL_DIR, 'calibration', 'kodim15-jpeg4.png'))
        .extract({ left: 3, top: 5, width: 161, height: 117 })
        .removeAlpha()
        .raw()
        .toBuffer();
      const oddScore = (
        await node.run({ image: new ortNode.Tensor('float32', Float32Array.from(odd), [1, 117, 161, 3]) })
      ).score!.data[0] as number;
      expect(
        Math.abs(oddScore - scoreBrisque({ data: new Uint8Array(odd), width: 161, height: 117, channels: 3 }, svr)),
      ).toBeLessThan(1e-5);
      expect(new Set(core.map((v) => v.toFixed(2))).size).toBe(3);
    } finally {
      await node.release();
      await web.release();
    }
  }, 60_000);
});

describe('models/brisque-clive', () => {
  const card = validateCard(JSON.parse(readFileSync(join(MODEL_DIR, 'card.json'), 'utf8')));
  const svr = parseBrisqueModel(JSON.parse(readFileSync(join(MODEL_DIR, card.files.svr!.path), 'utf8')));
  const onnx = new Uint8Array(readFileSync(join(MODEL_DIR, card.files.onnx.path)));

  it(
    'model.onnx is brisqueToOnnx of the SVR file the card lists, ' +
      'with the card embedded (node scripts/brisque-model.mjs)',
    () => {
      const embedded = readEmbeddedCard(onnx, 'model.onnx')!;
      // The embedded card has no files (a file cannot hold its own hash).
      expect({ ...embedded, files: card.files }).toEqual(card);
      const { files: _files, ...withoutFiles } = card;
      const rebuilt = brisqueToOnnx(svr, { metadata: { [CARD_METADATA_KEY]: JSON.stringify(withoutFiles) } });
      expect(Buffer.from(rebuilt).equals(Buffer.from(onnx))).toBe(true);
    },
  );

  it("createScorer('brisque-clive') scores as core's features + predictSvr within 1e-4, " +
    'and refuses what BRISQUE cannot score', async () => {
    const scorer = await createScorer('brisque-clive', { device: 'cpu' });
    try {
      expect(scorer.card).toEqual(card);
      // The card's runtime.threads (1) is the default; the caller's threads option wins.
      expect(card.runtime).toEqual({ threads: 1 });
      expect(scorer.deviceReason).toMatch(/; 1 intra-op thread$/);
      const two = await createScorer('brisque-clive', { device: 'cpu', threads: 2 });
      expect(two.deviceReason).toMatch(/; 2 intra-op threads$/);
      await two.dispose();
      const scores: number[] = [];
      for (const [i, blur] of [0, 1.5, 4].entries()) {
        const rand = mulberry32(11 + i);
        const w = 120;
        const h = 90;
        const data = Uint8Array.from({ length: w * h * 3 }, (_, k) =>
          Math.round(110 + 70 * Math.sin(((k / 3) % w) / 6) + 40 * rand()),
        );
        let img = sharp(data, { raw: { width: w, height: h, channels: 3 } });
        if (blur) img = img.blur(blur);
        const png = await img.png().toBuffer();
        const got = await scorer.score(png);
        const raw = await sharp(png).raw().toBuffer({ resolveWithObject: true });
        const core = scoreBrisque({ data: new Uint8Array(raw.data), width: w, height: h, channels: 3 }, svr);
        expect(Math.abs(got - core)).toBeLessThanOrEqual(1e-4);
        scores.push(got);
      }
      expect(new Set(scores.map((s) => s.toFixed(2))).size).toBe(3);
      const tiny = await sharp({ create: { width: 15, height: 40, channels: 3, background: '#808080' } })
        .png()
        .toBuffer();
      await expect(scorer.score(tiny)).rejects.toMatchObject({ code: 'IMAGE_TOO_SMALL' });
      const flat = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#808080' } })
        .png()
        .toBuffer();
      await expect(scorer.score(flat)).rejects.toMatchObject({ code: 'UNSUPPORTED_IMAGE' });
    } finally {
      await scorer.dispose();
    }
    await expect(createScorer('brisque-clive', { dtype: 'fp16' })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  }, 60_000);
});
