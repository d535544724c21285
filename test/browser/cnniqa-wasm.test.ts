/**
 * The zoo model cnniqa-clive in headless Chromium (WASM): the page decodes each image with a canvas, core composites
 * alpha onto white and cuts the grey, locally contrast-normalised 32x32 patches, onnxruntime-web runs CNNIQA
 * (model.onnx) on them. The scores must equal runtime-node's (sharp, core, onnxruntime-node) within 1e-4 (absolute:
 * scores are MOS points). One image is smaller than a patch (upscaled by core, as the card says).
 */
import { describePatchModelInChromium } from './helpers/patch-model-suite.js';

describePatchModelInChromium({
  id: 'cnniqa-clive',
  // Textures of several grids (5x3, 3x4 blurred, 7x5 with alpha, 1 upscaled from 20x28).
  textures: [
    [160, 120, 0, false],
    [97, 131, 2, false],
    [240, 170, 0, true],
    [20, 28, 0, false],
  ],
  report: 'cnniqa-wasm',
  reason: 'every 32px patch',
});
