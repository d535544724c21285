/**
 * The zoo graph's own features against OpenCV. Since 0.2.3 the graph computes the pairwise products and their
 * row sums in float32, so core's OpenCV check (packages/core/test/brisque-opencv.test.ts) no longer stands for it
 * to the last digits. Here the graph's `features` node (`[N, 36]` float64, before the SVR) is made its output, and
 * the six images of core's check go through it and through OpenCV's `cv2.quality.QualityBRISQUE_computeFeatures`
 * (Debian's python3-opencv, /usr/bin/python3). Skipped, visibly, where that Python lacks cv2.
 *
 * Tolerance as core's check: shapes within 0.0015, every other feature within 1e-4 + 1e-3 relative. Measured
 * (0.2.3): shapes equal, the other features as core's to 3 digits (largest relative differences 5.4e-6, 8.7e-5,
 * 1.8e-2 on the noisy image's near-zero `s1.v.mean`, 1.5e-5, 6.4e-6, 4.3e-6); 0.2.1, all float64, gave the same.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BRISQUE_FEATURE_NAMES, type RawImage } from '@iqa-zoo/core';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { opencvCheckImages } from '../packages/core/test/fixtures/brisque-images.js';
import {
  ABS_TOLERANCE,
  REL_TOLERANCE,
  SHAPE_TOLERANCE,
  haveOpenCv,
  opencvFeatures,
} from '../packages/core/test/helpers/brisque-opencv.js';

const MODEL = resolve('models/brisque-clive/model.onnx');
const describeOpenCv = haveOpenCv ? describe : describe.skip;

/** The zoo model with its `features` node as the output. */
async function featureSession(): Promise<ort.InferenceSession> {
  const { onnx } = onnxProto;
  const model = onnx.ModelProto.decode(readFileSync(MODEL));
  const dim = [{ dimParam: 'batch' }, { dimValue: 36 }];
  model.graph!.output = [{ name: 'features', type: { tensorType: { elemType: 11, shape: { dim } } } }];
  return ort.InferenceSession.create(onnx.ModelProto.encode(model).finish(), { intraOpNumThreads: 1 });
}

/** The graph's `[1, H, W, 3]` input: RGB levels (a grey image's level in all three channels). */
function rgbTensor(image: RawImage): ort.Tensor {
  const n = image.width * image.height;
  const rgb = new Float32Array(n * 3);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < 3; c++) rgb[3 * i + c] = image.data[image.channels === 1 ? i : 3 * i + c]!;
  return new ort.Tensor('float32', rgb, [1, image.height, image.width, 3]);
}

describeOpenCv(`brisque-clive's graph features against OpenCV${haveOpenCv ? '' : ' (SKIPPED: no cv2)'}`, () => {
  it("agree within the tolerance of core's OpenCV check on all 36 features of its 6 images", async () => {
    const cases = opencvCheckImages();
    const names = Object.keys(cases);
    const session = await featureSession();
    try {
      const theirs = opencvFeatures(names.map((name) => cases[name]!));
      const outside: string[] = [];
      for (const [k, name] of names.entries()) {
        const ours = (await session.run({ image: rgbTensor(cases[name]!) })).features!.data as Float64Array;
        const cv = theirs[k]!;
        let worst = 0;
        BRISQUE_FEATURE_NAMES.forEach((feature, i) => {
          const diff = Math.abs(ours[i]! - cv[i]!);
          const shape = feature.endsWith('shape');
          if (!shape) worst = Math.max(worst, diff / Math.max(Math.abs(cv[i]!), 1e-12));
          if (diff > (shape ? SHAPE_TOLERANCE : ABS_TOLERANCE + REL_TOLERANCE * Math.abs(cv[i]!)))
            outside.push(`${name} ${feature}: graph ${ours[i]} OpenCV ${cv[i]}`);
        });
        console.log(`brisque-clive graph vs OpenCV, ${name}: largest relative difference ${worst.toExponential(2)}`);
      }
      expect(outside).toEqual([]);
    } finally {
      await session.release();
    }
  }, 60_000);
});
