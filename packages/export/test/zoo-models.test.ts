/**
 * The zoo's exported files (models/<id>/, as `iqa export` writes them): no Transpose (but in BRISQUE's graph), every
 * BatchNormalization folded, the embedded card equal to card.json without `files`, sha256 and
 * sizes as the card says, and structurally valid. Reads $IQA_ZOO_MODELS when set, as runtime-node
 * does; skipped while the index does not exist.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseZooIndex, validateCard } from '@iqa-zoo/core';
import { findModelProblems, onnx, readOnnxCard } from '@iqa-zoo/export';

const MODELS =
  process.env.IQA_ZOO_MODELS ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../models');
const INDEX = path.join(MODELS, 'index.json');
const ids = existsSync(INDEX) ? parseZooIndex(JSON.parse(readFileSync(INDEX, 'utf8'))).models : [];
const describeZoo = ids.length > 0 ? describe.each(ids) : describe.skip.each(['(no models/index.json)']);

describeZoo('zoo model %s', (id) => {
  test('its ONNX files are valid, hashed as the card says, Transpose-free and fully folded', () => {
    const dir = path.join(MODELS, id);
    const card = validateCard(JSON.parse(readFileSync(path.join(dir, 'card.json'), 'utf8')), `${id}/card.json`);
    const { files: _files, ...withoutFiles } = card;
    for (const file of [card.files.onnx, card.files.onnxFp16].filter((f) => f !== undefined)) {
      const bytes = readFileSync(path.join(dir, file.path));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
      expect(bytes.byteLength).toBe(file.bytes);
      const proto = onnx.ModelProto.decode(bytes);
      expect(findModelProblems(proto)).toEqual([]);
      // A network exported from tfjs has no layout Transposes left; BRISQUE's own graph (pixel input NHWC, built by
      // brisqueToOnnx) transposes planes on purpose (its half-scale pass gathers whole rows).
      const banned = card.input.layout === 'NHWC' ? ['BatchNormalization'] : ['Transpose', 'BatchNormalization'];
      expect(proto.graph!.node!.map((n) => n.opType).filter((op) => banned.includes(op ?? ''))).toEqual([]);
      expect(readOnnxCard(bytes)).toEqual(JSON.parse(JSON.stringify(withoutFiles)));
    }
  });
});
