/** cardFileFor: one mapping from dtype to the card's file, for both runtimes. */
import { type ModelCard, cardDtypes, cardFileFor, isIqaError } from '@iqa-zoo/core';

const files = {
  onnx: { path: 'model.onnx', sha256: 'a'.repeat(64), bytes: 10 },
  onnxFp16: { path: 'model_fp16.onnx', sha256: 'b'.repeat(64), bytes: 5 },
};
const card = { id: 'm', files } as unknown as ModelCard;
const fp32Only = { id: 'm', files: { onnx: files.onnx } } as unknown as ModelCard;

test('fp32 is files.onnx, fp16 is files.onnxFp16', () => {
  expect(cardFileFor(card, 'fp32', 'here')).toBe(files.onnx);
  expect(cardFileFor(card, 'fp16', 'here')).toBe(files.onnxFp16);
});

test(
  'fp16 from a card without one is MODEL_NOT_FOUND naming the model and where; another dtype is a ' + 'RangeError',
  () => {
    let err: unknown;
    try {
      cardFileFor(fp32Only, 'fp16', 'https://zoo/m/');
    } catch (e) {
      err = e;
    }
    expect(isIqaError(err, 'MODEL_NOT_FOUND')).toBe(true);
    expect((err as Error).message).toBe(
      'Expected an fp16 variant (card.files.onnxFp16) for model "m" in https://zoo/m/ but its card lists only fp32; ' +
        'use dtype "fp32"',
    );
    expect(() => cardFileFor(card, 'int8' as never, 'here')).toThrow(RangeError);
  },
);

test('q8 is files.onnxQ8; a card without it names the dtypes it has', () => {
  const q8 = { path: 'model_q8.onnx', sha256: 'c'.repeat(64), bytes: 3 };
  const withQ8 = { id: 'm', files: { onnx: files.onnx, onnxQ8: q8 } } as unknown as ModelCard;
  expect(cardFileFor(withQ8, 'q8', 'here')).toBe(q8);
  expect(cardDtypes(withQ8)).toEqual(['fp32', 'q8']);
  expect(cardDtypes(card)).toEqual(['fp32', 'fp16']);
  expect(() => cardFileFor(card, 'q8', 'models/m')).toThrow(
    'Expected a q8 variant (card.files.onnxQ8) for model "m" in models/m but its card lists only fp32, fp16; use ' +
      'dtype "fp32" or "fp16"',
  );
  expect(() => cardFileFor(withQ8, 'fp16', 'here')).toThrow('lists only fp32, q8; use dtype "fp32" or "q8"');
});
