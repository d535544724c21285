import { IqaError } from '../errors.js';

/** What the card says of a file: its sha256 (hex) and, where known, its size. */
export interface ExpectedFile {
  sha256: string;
  bytes?: number;
}

/** A runtime's SHA-256 (`node:crypto` in Node, SubtleCrypto in browsers): lower-case hex. */
export type Sha256Hex = (bytes: Uint8Array) => string | Promise<string>;

/**
 * Throws `IqaError('MODEL_INTEGRITY')` unless what was received (its sha256 and byte count) is the
 * file the card lists; `bytes` is compared only where `file` gives it. `what` names the file (a path
 * or URL); `advice` ends the message (what to do about it).
 *
 * @example
 * checkSha256({ sha256: card.files.onnx.sha256 }, { sha256: digest, bytes: 1024 }, url, 'nothing was cached');
 */
export function checkSha256(
  file: ExpectedFile,
  received: { sha256: string; bytes: number },
  what: string,
  advice?: string,
): void {
  const sameSize = file.bytes === undefined || file.bytes === received.bytes;
  if (received.sha256 === file.sha256.toLowerCase() && sameSize) return;
  const size = `${received.bytes} bytes${sameSize ? '' : `, the card says ${file.bytes}`}`;
  throw new IqaError(
    'MODEL_INTEGRITY',
    `Expected sha256 ${file.sha256} for ${what} (from the model card) but received ${received.sha256} (${size})` +
      (advice ? `; ${advice}` : ''),
  );
}

/**
 * Hashes `bytes` with the runtime's `sha256Hex` and checks them against the card (`checkSha256`).
 *
 * @example
 * await verifySha256(bytes, { sha256: file.sha256 }, path, (b) => createHash('sha256').update(b).digest('hex'));
 */
export async function verifySha256(
  bytes: Uint8Array,
  file: ExpectedFile,
  what: string,
  sha256Hex: Sha256Hex,
  advice?: string,
): Promise<void> {
  checkSha256(file, { sha256: await sha256Hex(bytes), bytes: bytes.length }, what, advice);
}
