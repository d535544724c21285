/**
 * The sha256 check both runtimes run on model files; the hash itself is the runtime's (here a
 * fake that returns the last byte, and node:crypto's, as runtime-node passes it).
 */
import { createHash } from 'node:crypto';
import { checkSha256, isIqaError, verifySha256 } from '../src/index.js';

const nodeSha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const bytes = Uint8Array.of(1, 2, 3);
const good = nodeSha(bytes);

async function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err as Error,
  );
}

test('verifySha256 accepts the bytes the card lists, with a sync or an async hash, in either case of hex', async () => {
  await expect(verifySha256(bytes, { sha256: good, bytes: 3 }, 'm.onnx', nodeSha)).resolves.toBeUndefined();
  await expect(verifySha256(bytes, { sha256: good.toUpperCase() }, 'm.onnx', async (b) => nodeSha(b))).resolves.toBe(
    undefined,
  );
});

test('another file is MODEL_INTEGRITY: expected sha256 for what (from the model card), received, advice', async () => {
  const other = Uint8Array.of(1, 2, 4);
  const err = await rejection(verifySha256(other, { sha256: good }, 'https://x/m.onnx', nodeSha, 'try again'));
  expect(isIqaError(err, 'MODEL_INTEGRITY')).toBe(true);
  expect(err.message).toBe(
    `Expected sha256 ${good} for https://x/m.onnx (from the model card) ` +
      `but received ${nodeSha(other)} (3 bytes); try again`,
  );
  const noAdvice = await rejection(verifySha256(other, { sha256: good }, 'm.onnx', (b) => `${b[2]}`));
  expect(noAdvice.message).toBe(`Expected sha256 ${good} for m.onnx (from the model card) but received 4 (3 bytes)`);
});

test('checkSha256 compares the size too where the card gives it', () => {
  expect(() => checkSha256({ sha256: good, bytes: 3 }, { sha256: good, bytes: 3 }, 'm.onnx')).not.toThrow();
  expect(() => checkSha256({ sha256: good }, { sha256: good, bytes: 2 }, 'm.onnx')).not.toThrow();
  expect(() => checkSha256({ sha256: good, bytes: 3 }, { sha256: good, bytes: 2 }, 'u', 'nothing was cached')).toThrow(
    `Expected sha256 ${good} for u (from the model card) but received ${good} (2 bytes, the card says 3); ` +
      'nothing was cached',
  );
});
