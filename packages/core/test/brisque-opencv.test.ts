/**
 * An independent check of brisqueFeatures: the same images, written as PNG, go through OpenCV's
 * `cv2.quality.QualityBRISQUE_computeFeatures` (Debian's python3-opencv, run with /usr/bin/python3).
 * Skipped, visibly, where that Python lacks cv2 (.ci/install-opencv.sh installs it in CI).
 *
 * Tolerance: shapes within 0.0015 (OpenCV's grid step is 0.001 and it computes in float32, we in float64,
 * so a shape may land one grid step away); every other feature within 1e-4 + 1e-3 relative. The image with a
 * flat patch checks that flat windows give MSCN 0 in both (before ours did, its features differed by up to 19%).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BRISQUE_FEATURE_NAMES, brisqueFeatures } from '../src/index.js';
import type { RawImage } from '../src/index.js';
import { addNoise, boxBlur, texturedImage } from './fixtures/brisque-images.js';
import { writePng } from './helpers/write-png.js';

const PYTHON = '/usr/bin/python3';
const OPENCV_SCRIPT = `
import json, sys, cv2
out = []
for path in sys.argv[1:]:
    img = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    out.append([float(v) for v in cv2.quality.QualityBRISQUE_computeFeatures(img).ravel()])
print(json.dumps(out))
`;

const probe = spawnSync(PYTHON, ['-c', 'import cv2; cv2.quality.QualityBRISQUE_computeFeatures'], { encoding: 'utf8' });
const haveOpenCv = probe.status === 0;
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

const SHAPE_TOLERANCE = 0.0015;
const ABS_TOLERANCE = 1e-4;
const REL_TOLERANCE = 1e-3;

/** The image with a flat grey 64x48 rectangle, where the local variance is 0 and only rounding is left. */
function withFlatPatch(image: RawImage): RawImage {
  const data = Uint8Array.from(image.data);
  for (let y = 40; y < 88; y++) data.fill(128, (y * image.width + 60) * 3, (y * image.width + 124) * 3);
  return { ...image, data };
}

function images(): Record<string, RawImage> {
  const textured = texturedImage(192, 160);
  const odd = texturedImage(161, 117, 4);
  return {
    textured,
    blurred: boxBlur(textured, 2),
    noisy: addNoise(textured, 40),
    'odd-size': odd,
    grey: {
      data: Uint8Array.from({ length: 161 * 117 }, (_, i) => odd.data[3 * i + 1]!),
      width: 161,
      height: 117,
      channels: 1,
    },
    'flat-patch': withFlatPatch(textured),
  };
}

describeOpenCv(title, () => {
  const cases = images();
  const names = Object.keys(cases);
  let theirs: number[][] = [];

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'brisque-opencv-'));
    try {
      const paths = names.map((name) => {
        const path = join(dir, `${name}.png`);
        writePng(path, cases[name]!);
        return path;
      });
      const run = spawnSync(PYTHON, ['-c', OPENCV_SCRIPT, ...paths], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`OpenCV failed: ${run.stderr}`);
      theirs = JSON.parse(run.stdout) as number[][];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
