/**
 * An independent check of brisqueFeatures: the same images, written as PNG, go through OpenCV's
 * `cv2.quality.QualityBRISQUE_computeFeatures` (Debian's python3-opencv, run with /usr/bin/python3).
 * Skipped, visibly, where that Python lacks cv2 (.ci/install-opencv.sh installs it in CI).
 *
 * Tolerance: shapes within 0.0015 (OpenCV's grid step is 0.001 and it computes in float32, we in float64,
 * so a shape may land one grid step away); every other feature within 1e-4 + 1e-3 relative. The image with a
 * flat patch checks that flat windows give MSCN 0 in both (before ours did, its features differed by up to 19%).
 */
import { BRISQUE_FEATURE_NAMES, brisqueFeatures } from '../src/index.js';
import { opencvCheckImages } from './fixtures/brisque-images.js';
import {
  ABS_TOLERANCE,
  PYTHON,
  REL_TOLERANCE,
  SHAPE_TOLERANCE,
  haveOpenCv,
  opencvFeatures,
} from './helpers/brisque-opencv.js';

if (!haveOpenCv) {
  console.warn(
    `brisque-opencv.test: SKIPPED, python3-opencv not installed (${PYTHON} cannot import cv2.quality); run ` +
      `.ci/install-opencv.sh`,
  );
}
const describeOpenCv = haveOpenCv ? describe : describe.skip;
const title = haveOpenCv
  ? 'BRISQUE features against OpenCV'
  : 'BRISQUE features against OpenCV (SKIPPED: python3-opencv not installed)';

describeOpenCv(title, () => {
  const cases = opencvCheckImages();
  const names = Object.keys(cases);
  let theirs: number[][] = [];

  beforeAll(() => {
    theirs = opencvFeatures(names.map((name) => cases[name]!));
  });

  it.each(names)('%s: all 36 features agree within the stated tolerance', (name) => {
    const ours = brisqueFeatures(cases[name]!);
    const cv = theirs[names.indexOf(name)]!;
    expect(cv).toHaveLength(36);
    const report: string[] = [];
    let worstShape = 0;
    let worstRel = 0;
    let worstRelName = '';
    BRISQUE_FEATURE_NAMES.forEach((feature, i) => {
      const diff = Math.abs(ours[i]! - cv[i]!);
      if (feature.endsWith('shape')) {
        worstShape = Math.max(worstShape, diff);
        if (diff > SHAPE_TOLERANCE) report.push(`${feature}: ours ${ours[i]} OpenCV ${cv[i]}`);
      } else {
        const rel = diff / Math.max(Math.abs(cv[i]!), 1e-12);
        if (rel > worstRel) [worstRel, worstRelName] = [rel, feature];
        if (diff > ABS_TOLERANCE + REL_TOLERANCE * Math.abs(cv[i]!))
          report.push(`${feature}: ours ${ours[i]} OpenCV ${cv[i]}`);
      }
    });
    console.log(
      `brisque vs OpenCV, ${name}: largest shape difference ${worstShape.toFixed(4)}, largest relative difference of ` +
        `the others ${worstRel.toExponential(2)} (${worstRelName})`,
    );
    expect(report).toEqual([]);
  });
});
