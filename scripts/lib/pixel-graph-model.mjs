// Shared by scripts/brisque-model.mjs and scripts/hosa-model.mjs: a classic zoo model whose ONNX graph computes
// everything from the image's RGB levels (card layout NHWC). Reads the fit's card source (card.draft.json, else
// card.json), writes model.onnx with the card embedded and card.json with the files' hashes, and checks the graph
// against core's TypeScript scorer on CLIVE photos.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CARD_METADATA_KEY, toRgb, validateCard } from '@iqa-zoo/core';
import { decodeImage } from '@iqa-zoo/image-node';
import { readMosCsv } from '@iqa-zoo/train';
import * as ort from 'onnxruntime-node';

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const fileEntry = (name, bytes) => ({ path: name, sha256: sha256(bytes), bytes: bytes.length });

/**
 * The card's `input` and `output` of a pixel graph: the image's RGB levels 0..255 in (NHWC, OpenCV's BT.601 grey
 * inside the graph, images under 16 px refused), the MOS-scale score out; `protocol` is the method's own entry.
 */
export function pixelGraphCardIo(protocol) {
  return {
    input: {
      name: 'image',
      layout: 'NHWC',
      channels: 3,
      colorSpace: 'sRGB',
      pixelRange: [0, 255],
      grey: 'opencv-bt601',
      minSize: 16,
      smallImage: 'reject',
      protocol,
    },
    output: { name: 'score', range: [0, 100], higherIsBetter: true, scale: 1, offset: 0 },
  };
}

/**
 * The card fields a fit left in `dir`: its card.draft.json when there is one (a new fit), else its card.json (a
 * rebuild that keeps the training fields, metrics, ranking, speeds and presets).
 */
export function readCardSource(dir) {
  const draftPath = path.join(dir, 'card.draft.json');
  const cardPath = path.join(dir, 'card.json');
  const fromDraft = existsSync(draftPath);
  return { source: JSON.parse(readFileSync(fromDraft ? draftPath : cardPath, 'utf8')), draftPath, cardPath, fromDraft };
}

/**
 * Writes `dir/model.onnx` (`toOnnx(metadata)` with the card embedded, without its `files`: a file cannot hold its own
 * hash, as the exporter embeds it) and `dir/card.json` with the hashes of model.onnx and of the fit's parameter file
 * (`params: { key, name, bytes }`, e.g. `svr` / brisque-svr.json); validates the card and removes the draft it came
 * from. Returns the ONNX bytes.
 */
export function writePixelGraphModel({ dir, card, toOnnx, params, cardSource }) {
  const { files: _none, ...embedded } = card;
  const onnx = toOnnx({ [CARD_METADATA_KEY]: JSON.stringify(embedded) });
  writeFileSync(path.join(dir, 'model.onnx'), onnx);
  const full = {
    ...card,
    files: { onnx: fileEntry('model.onnx', onnx), [params.key]: fileEntry(params.name, params.bytes) },
  };
  validateCard(full, cardSource.cardPath);
  writeFileSync(cardSource.cardPath, `${JSON.stringify(full, null, 2)}\n`);
  if (cardSource.fromDraft) rmSync(cardSource.draftPath);
  console.log(
    `wrote ${path.join(dir, 'model.onnx')} (${onnx.length} bytes) and ${cardSource.cardPath}` +
      `${cardSource.fromDraft ? `; removed ${cardSource.draftPath}` : ''}`,
  );
  return onnx;
}

/**
 * Scores the first `count` CLIVE photos (IQA_ZOO_DATA or ./data) with the graph in onnxruntime-node (1 thread) and
 * with `scoreInCore(rgb)`, and prints the largest absolute difference, naming the core path `label`.
 */
export async function checkGraphAgainstCore(onnx, count, scoreInCore, label) {
  if (!(count > 0)) return;
  const { DATA } = await import('./data-folder.mjs');
  const entries = (await readMosCsv(path.join(DATA, 'clive', 'mos.csv'))).slice(0, count);
  const session = await ort.InferenceSession.create(onnx, { intraOpNumThreads: 1 });
  let max = 0;
  for (const e of entries) {
    const rgb = toRgb(await decodeImage(e.file));
    const t = new ort.Tensor('float32', Float32Array.from(rgb.data), [1, rgb.height, rgb.width, 3]);
    const graph = (await session.run({ image: t })).score.data[0];
    max = Math.max(max, Math.abs(graph - scoreInCore(rgb)));
  }
  await session.release();
  console.log(
    `model.onnx (onnxruntime-node) vs core ${label} on the first ${entries.length} CLIVE photos: ` +
      `max |diff| ${max.toExponential(2)}`,
  );
}
