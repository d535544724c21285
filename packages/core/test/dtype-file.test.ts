/** cardFileFor: one mapping from dtype to the card's file, for both runtimes. */
import { type ModelCard, cardFileFor, isIqaError } from '@iqa-zoo/core';

const files = { onnx: { path: 'model.onnx', sha256: 'a'.repeat(64), bytes: 10 }, onnxFp16: { path: 'model_fp16.onnx', sha256: 'b'.repeat(64), bytes: 5 } };
const card = { id: 'm', files } as unknown as ModelCard;
const fp32Only = { id: 'm', files: { onnx: files.onnx } } as unknown as ModelCard;

test('fp32 is files.onnx, fp16 is files.onnxFp16', () => {
  expect(cardFileFor(card, 'fp32', 'here')).toBe(files.onnx);
  expect(cardFileFor(card, 'fp16', 'here')).toBe(files.onnxFp16);
});

test('fp16 from a card without one is MODEL_NOT_FOUND naming the model and where; another dtype is a RangeError', () => {
  let err: unknown;
  try {
    cardFileFor(fp32Only, 'fp16', 'https://zoo/m/');
  } catch (e) {
    err = e;
  }
  expect(isIqaError(err, 'MODEL_NOT_FOUND')).toBe(true);
  expect((err as Error).message).toBe('Expected an fp16 variant (card.files.onnxFp16) for model "m" in https://zoo/m/ but its card lists only fp32; use dtype "fp32"');
  expect(() => cardFileFor(card, 'int8' as never, 'here')).toThrow(RangeError);
});
