// Scores images with a model folder under another test-time protocol: a copy of the folder (in a
// temporary folder) whose card changes only `input.protocol`, scored by the node runtime.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createScorer } from '@iqa-zoo/runtime-node';

/**
 * `30:0` = 30 crops placed by seed 0 (of the card's size); `full` or `full:500` = one whole-image pass
 * (longer side at most 500).
 */
export function parseProtocol(spec, card) {
  const [kind, arg] = spec.split(':');
  if (kind === 'full') return arg ? { kind: 'full', maxSide: Number(arg) } : { kind: 'full' };
  const [count, seed] = [Number(kind), Number(arg)];
  if (!Number.isInteger(count) || !Number.isInteger(seed))
    throw new Error(`Expected a protocol like 30:0 (count:seed) or full[:maxSide] but received ${spec}`);
  const size = card.input.protocol.kind === 'crops' ? card.input.protocol.size : 224;
  return { kind: 'crops', count, size, seed };
}

/** Scores `files` with the model in `dir` under `protocol`; returns the scores and the mean ms per image. */
export async function scoreWithProtocol(dir, protocol, files) {
  const card = JSON.parse(readFileSync(path.join(dir, 'card.json'), 'utf8'));
  const copy = mkdtempSync(path.join(tmpdir(), 'iqa-protocol-'));
  try {
    copyFileSync(path.join(dir, card.files.onnx.path), path.join(copy, card.files.onnx.path));
    writeFileSync(
      path.join(copy, 'card.json'),
      JSON.stringify({ ...card, files: { onnx: card.files.onnx }, input: { ...card.input, protocol } }),
    );
    const scorer = await createScorer(copy, { device: 'cpu' });
    const t0 = performance.now();
    const scores = [];
    for (const f of files) scores.push(await scorer.score(f));
    await scorer.dispose();
    return { scores, msPerImage: (performance.now() - t0) / files.length };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
