/**
 * OpenCV's BRISQUE features for tests: `cv2.quality.QualityBRISQUE_computeFeatures` of images written as PNG, run
 * by Debian's python3-opencv (/usr/bin/python3). Used by core's check of brisqueFeatures and by the zoo graph's
 * check (test/brisque-onnx-opencv.test.ts), with the same tolerances.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawImage } from '../../src/index.js';
import { writePng } from './write-png.js';

export const PYTHON = '/usr/bin/python3';
const OPENCV_SCRIPT = `
import json, sys, cv2
out = []
for path in sys.argv[1:]:
    img = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    out.append([float(v) for v in cv2.quality.QualityBRISQUE_computeFeatures(img).ravel()])
print(json.dumps(out))
`;

/** Whether that Python has cv2.quality (.ci/install-opencv.sh installs it in CI). */
export const haveOpenCv =
  spawnSync(PYTHON, ['-c', 'import cv2; cv2.quality.QualityBRISQUE_computeFeatures'], { encoding: 'utf8' }).status ===
  0;

/** Shapes within one grid step (0.001) plus float32 rounding; every other feature within 1e-4 + 1e-3 relative. */
export const SHAPE_TOLERANCE = 0.0015;
export const ABS_TOLERANCE = 1e-4;
export const REL_TOLERANCE = 1e-3;

/** OpenCV's 36 features of each image, in the order given. */
export function opencvFeatures(images: RawImage[]): number[][] {
  const dir = mkdtempSync(join(tmpdir(), 'brisque-opencv-'));
  try {
    const paths = images.map((image, k) => {
      const path = join(dir, `${k}.png`);
      writePng(path, image);
      return path;
    });
    const run = spawnSync(PYTHON, ['-c', OPENCV_SCRIPT, ...paths], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`OpenCV failed: ${run.stderr}`);
    return JSON.parse(run.stdout) as number[][];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
