/**
 * The zoo model brisque-clive in headless Chromium (WASM): the page decodes each image with a canvas, core
 * composites alpha onto white, onnxruntime-web runs all of BRISQUE (model.onnx). The scores must equal
 * runtime-node's (sharp, core, onnxruntime-node) within 1e-4, and core's own SVR (`scoreBrisque`) within 1e-4
 * (absolute; measured with 0.2.3: Chromium and Node equal on 2 of the 3 images and one float32 step apart, 3.8e-6,
 * on the third (the moment sums are float32 row sums, added in each runtime's order), core under 2e-6 away).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBrisqueModel, scoreBrisque } from '@iqa-zoo/core';
import { describeClassicModelInChromium } from './helpers/classic-model-suite.js';

describeClassicModelInChromium({
  id: 'brisque-clive',
  // Textures with seeded grain, a blurred copy, and one with a soft alpha gradient (composited onto white in both
  // runtimes).
  textures: [
    [160, 120, 0, false],
    [97, 131, 2, false],
    [200, 150, 0, true],
  ],
  report: 'brisque-wasm',
  coreScorer: (dir) => {
    const svr = parseBrisqueModel(JSON.parse(readFileSync(join(dir, 'brisque-svr.json'), 'utf8')));
    return (rgb) => scoreBrisque(rgb, svr);
  },
});
