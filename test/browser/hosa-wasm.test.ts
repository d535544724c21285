/**
 * The zoo model hosa-clive in headless Chromium (WASM): the page decodes each image with a canvas, core composites
 * alpha onto white, onnxruntime-web runs all of HOSA (model.onnx). The scores must equal runtime-node's (sharp, core,
 * onnxruntime-node) within 1e-4, and core's own TypeScript (`scoreHosa`) within 1e-4 (absolute).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHosaModel, scoreHosa } from '@iqa-zoo/core';
import { describeClassicModelInChromium } from './helpers/classic-model-suite.js';

describeClassicModelInChromium({
  id: 'hosa-clive',
  // Textures with seeded grain, a blurred copy, and one with a soft alpha gradient (composited onto white in both
  // runtimes).
  textures: [
    [160, 120, 0, false],
    [97, 131, 2, false],
    [200, 150, 0, true],
  ],
  report: 'hosa-wasm',
  coreScorer: (dir) => {
    const model = parseHosaModel(JSON.parse(readFileSync(join(dir, 'hosa-model.json'), 'utf8')));
    return (rgb) => scoreHosa(rgb, model);
  },
});
