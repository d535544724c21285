/**
 * The `brisque` protocol in a card (input layout `features`): validation, and the feature tensor that
 * `preprocess` and `scorePixels` hand to a runtime.
 */
import {
  BRISQUE_FEATURE_COUNT,
  IqaError,
  brisqueFeatures,
  featureTensor,
  pixelGraphTensor,
  preprocess,
  scorePixels,
  toRgb,
  validateCard,
} from '../src/index.js';
import type { FeatureCardInput, ModelCard, RawImage } from '../src/index.js';
import { texturedImage } from './fixtures/brisque-images.js';
import { pixelGraphInput, validCard } from './fixtures/card.js';

const BRISQUE_INPUT: FeatureCardInput = {
  name: 'features',
  layout: 'features',
  features: 'brisque-36',
  colorSpace: 'sRGB',
  grey: 'opencv-bt601',
  minSize: 16,
  smallImage: 'reject',
  protocol: { kind: 'brisque', scales: 2 },
};

/** The fixture card turned into a BRISQUE card (features in core, SVR graph in ONNX). */
function brisqueCard(): ModelCard {
  const card: ModelCard = validCard();
  card.input = { ...BRISQUE_INPUT, protocol: { ...BRISQUE_INPUT.protocol } };
  card.output = { ...card.output, name: 'score' };
  card.files = { onnx: card.files.onnx, svr: { path: 'brisque-svr.json', sha256: 'a'.repeat(64), bytes: 399015 } };
  card.architecture = {
    network: 'brisque-svr',
    backbone: 'BRISQUE features (core)',
    taps: [],
    pooling: [],
    params: 20017,
  };
  return card;
}

function problems(edit: (c: Record<string, any>) => void): string {
  const c = brisqueCard() as unknown as Record<string, any>;
  edit(c);
  try {
    validateCard(c);
  } catch (err) {
    expect(err).toBeInstanceOf(IqaError);
    expect((err as IqaError).code).toBe('INVALID_CARD');
    return (err as IqaError).message;
  }
  throw new Error('expected validateCard to throw');
}

describe('validateCard with the brisque protocol', () => {
  it('accepts a BRISQUE card: no taps, no pooling, files.svr beside files.onnx', () => {
    const card = brisqueCard();
    expect(validateCard(JSON.parse(JSON.stringify(card)))).toEqual(card);
  });

  it('names every bad field of a feature input, with the allowed values', () => {
    const message = problems((c) => {
      c.input.features = 'niqe-36';
      c.input.grey = 'bt709';
      c.input.minSize = 8;
      c.input.smallImage = 'upscale';
      c.input.protocol.scales = 3;
    });
    expect(message).toContain('card.input.features: expected one of "brisque-36" but received "niqe-36"');
    expect(message).toContain('card.input.grey: expected one of "opencv-bt601" but received "bt709"');
    expect(message).toContain('card.input.minSize: expected an integer >= 16 but received 8');
    expect(message).toContain('card.input.smallImage: expected one of "reject" but received "upscale"');
    expect(message).toContain('card.input.protocol.scales: expected one of 2 but received 3');
  });

  it('says that protocol "brisque" needs layout "NHWC" or "features", and that an NCHW model needs taps', () => {
    const message = problems((c) => {
      c.input = { ...validCard().input, protocol: { kind: 'brisque', scales: 2 } };
    });
    expect(message).toContain(
      'card.input.layout: expected "NHWC" or "features" (protocol "brisque" takes the image as it is, or its ' +
        'features) but received "NCHW"',
    );
    expect(message).toContain('card.architecture.taps: expected an array with at least 1 item(s)');
    expect(problems((c) => (c.input.protocol = { kind: 'full' }))).toContain(
      'card.input.protocol.kind: expected one of "brisque" but received "full"',
    );
  });

  it('checks measured speeds: size as WIDTHxHEIGHT, non-negative ms, the baseline and the provenance', () => {
    const measured = {
      command: 'node scripts/bench-speed.mjs brisque-clive',
      runtime: 'onnxruntime-node cpu',
      date: '2026-12-05T07:00:00Z',
    };
    const speed = {
      runtime: 'onnxruntime-node cpu',
      image: '500x500',
      msPerImage: 24.5,
      baseline: { model: 'mobilenetv2-ml-clive', msPerImage: 180 },
      machine: '2 cores, busy',
      measured,
    };
    const card = { ...brisqueCard(), speed: [speed] };
    expect(validateCard(JSON.parse(JSON.stringify(card)))).toEqual(card);
    const message = problems((c) => {
      c.speed = [
        { ...speed, image: '500', msPerImage: -1, baseline: { model: '' }, measured: { ...measured, date: 3 } },
        'fast',
      ];
    });
    expect(message).toContain('card.speed[0].image: expected a string matching /^\\d+x\\d+$/ but received "500"');
    expect(message).toContain('card.speed[0].msPerImage: expected a finite number >= 0 but received -1');
    expect(message).toContain('card.speed[0].baseline.model: expected a non-empty string');
    expect(message).toContain(
      'card.speed[0].baseline.msPerImage: expected a finite number >= 0 but received undefined',
    );
    expect(message).toContain('card.speed[0].measured.date: expected a non-empty string but received 3');
    expect(message).toContain('card.speed[1]: expected an object but received "fast"');
  });

  it('checks files.svr like the ONNX file', () => {
    expect(problems((c) => (c.files.svr.sha256 = 'xyz'))).toContain(
      'card.files.svr.sha256: expected a string matching',
    );
  });
});

const PIXEL_INPUT = pixelGraphInput();

describe('the brisque protocol with a pixel graph (layout NHWC)', () => {
  it('validates the input: RGB levels 0..255 as they are, OpenCV grey, at least 16 pixels', () => {
    const card = { ...brisqueCard(), input: PIXEL_INPUT };
    expect(validateCard(JSON.parse(JSON.stringify(card)))).toEqual(card);
    const message = problems((c) => {
      c.input = { ...PIXEL_INPUT, pixelRange: [0, 1], channels: 4, minSize: 4, protocol: { kind: 'full' } };
    });
    expect(message).toContain('card.input.pixelRange: expected [0, 255] but received an array of 2');
    expect(message).toContain('card.input.channels: expected one of 3 but received 4');
    expect(message).toContain('card.input.minSize: expected an integer >= 16 but received 4');
    expect(message).toContain('card.input.protocol.kind: expected one of "brisque" but received "full"');
  });

  it('preprocess gives the whole image as [1, H, W, 3] levels, RGBA composited onto white', () => {
    const image = texturedImage(40, 24, 5);
    const t = preprocess(image, PIXEL_INPUT);
    expect(t.dims).toEqual([1, 24, 40, 3]);
    expect(Array.from(t.data)).toEqual(Array.from(image.data));
    const rgba: RawImage = {
      data: new Uint8Array(40 * 24 * 4).map((_, i) => (i % 4 === 3 ? 128 : image.data[i - (i >> 2)]!)),
      width: 40,
      height: 24,
      channels: 4,
    };
    expect(Array.from(pixelGraphTensor(rgba, PIXEL_INPUT).data)).toEqual(Array.from(toRgb(rgba).data));
  });

  it('refuses a small and a single-colour image before the graph runs', () => {
    const flat: RawImage = { data: new Uint8Array(20 * 20 * 3).fill(77), width: 20, height: 20, channels: 3 };
    expect(() => preprocess(flat, PIXEL_INPUT)).toThrow(
      expect.objectContaining({
        code: 'UNSUPPORTED_IMAGE',
        message: expect.stringMatching(/brisque statistics.*20x20/),
      }),
    );
    expect(() => preprocess(texturedImage(15, 40, 1), PIXEL_INPUT)).toThrow(
      expect.objectContaining({ code: 'IMAGE_TOO_SMALL' }),
    );
  });
});

describe('preprocess with the brisque protocol', () => {
  const image = texturedImage(48, 40, 3);

  it('gives the [1, 36] float32 BRISQUE features of the image', () => {
    const t = preprocess(image, BRISQUE_INPUT);
    expect(t.dims).toEqual([1, BRISQUE_FEATURE_COUNT]);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(Array.from(t.data)).toEqual(Array.from(Float32Array.from(brisqueFeatures(image))));
    expect(featureTensor(image, BRISQUE_INPUT)).toEqual(t);
  });

  it('composites RGBA onto white first (so a canvas and sharp agree), and reads opaque RGBA as its RGB', () => {
    const rgba = new Uint8Array(48 * 40 * 4);
    for (let i = 0; i < 48 * 40; i++) {
      rgba.set(image.data.subarray(3 * i, 3 * i + 3), 4 * i);
      rgba[4 * i + 3] = 255;
    }
    const opaque: RawImage = { data: rgba, width: 48, height: 40, channels: 4 };
    expect(preprocess(opaque, BRISQUE_INPUT).data).toEqual(preprocess(image, BRISQUE_INPUT).data);
    const soft = { ...opaque, data: rgba.map((v, i) => (i % 4 === 3 ? (i >> 2) % 256 : v)) };
    expect(preprocess(soft, BRISQUE_INPUT).data).toEqual(Float32Array.from(brisqueFeatures(toRgb(soft))));
    expect(preprocess(soft, BRISQUE_INPUT).data).not.toEqual(preprocess(image, BRISQUE_INPUT).data);
  });

  it("refuses an image below the card's minSize, and a flat image, with IqaErrors", () => {
    expect(() => preprocess(image, { ...BRISQUE_INPUT, minSize: 41 })).toThrow(
      expect.objectContaining({
        code: 'IMAGE_TOO_SMALL',
        message: expect.stringContaining('at least 41x41 pixels but received 48x40'),
      }),
    );
    const flat: RawImage = { data: new Uint8Array(32 * 32 * 3).fill(90), width: 32, height: 32, channels: 3 };
    expect(() => preprocess(flat, BRISQUE_INPUT)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_IMAGE' }));
  });

  it('scorePixels hands the runtime the feature tensor and maps its one output through the card', async () => {
    const card = brisqueCard();
    card.output = { ...card.output, scale: 2, offset: 1 };
    const seen: number[][] = [];
    const score = await scorePixels(card, image, async (t) => {
      seen.push(t.dims);
      return Float32Array.of(t.data[0]!);
    });
    expect(seen).toEqual([[1, 36]]);
    expect(score).toBeCloseTo(Math.fround(brisqueFeatures(image)[0]!) * 2 + 1, 6);
  });
});
