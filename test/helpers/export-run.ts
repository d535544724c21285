/**
 * What the end-to-end tests do after training: export a run's best checkpoint with its drafted card, as
 * `iqa export` does (model.onnx and card.json with the file's sha256), and read one test image as RGBA pixels.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { type ModelCard, type RawImage, secondOutputName, validateCard } from '@iqa-zoo/core';
import { exportOnnx } from '@iqa-zoo/export';
import { loadModel } from '@iqa-zoo/train';

/** Scores agree within 1e-4 (relative above 1): the parity every runtime keeps with tfjs. */
export function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b));
}

export interface ExportedRun {
  /** The best checkpoint's tfjs model. */
  model: tf.LayersModel;
  card: ModelCard;
  onnx: Uint8Array;
  /** The model folder (model.onnx, card.json). */
  dir: string;
}

/** Exports `<work>/run/best` into `<work>/exported`. */
export async function exportBest(work: string): Promise<ExportedRun> {
  const best = path.join(work, 'run', 'best');
  const model = await loadModel(best);
  const draft = JSON.parse(await fs.readFile(path.join(best, 'card.json'), 'utf8'));
  // A second output where the card names one (WaDIQaM-NR's patch weights).
  const second = secondOutputName(draft);
  const onnx = await exportOnnx(model, { card: draft, extraOutputNames: second ? [second] : [] });
  const sha256 = createHash('sha256').update(onnx).digest('hex');
  const card: ModelCard = validateCard({
    ...draft,
    files: { onnx: { path: 'model.onnx', sha256, bytes: onnx.length } },
  });
  const dir = path.join(work, 'exported');
  await fs.mkdir(dir);
  await fs.writeFile(path.join(dir, 'model.onnx'), onnx);
  await fs.writeFile(path.join(dir, 'card.json'), JSON.stringify(card));
  return { model, card, onnx, dir };
}

/** An image file's pixels as RGBA, decoded by sharp. */
export async function rgbaPixels(file: string): Promise<RawImage & { channels: 4 }> {
  const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 4 };
}
