// Compares brisqueFeatures with OpenCV's cv2.quality.QualityBRISQUE_computeFeatures on real photos: the first N
// CLIVE images (sorted by name), decoded once by @iqa-zoo/image-node so both sides see the same pixels.
// The unit test (packages/core/test/brisque-opencv.test.ts) checks generated images; this shows real ones.
// Usage: node scripts/brisque-opencv-photos.mjs [--csv DATA/clive/mos.csv] [--count 40]
//   (DATA: the training data folder, $IQA_ZOO_DATA, else ./data)
// Needs /usr/bin/python3 with cv2 (.ci/install-opencv.sh) and a build of core, image-node and train.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BRISQUE_FEATURE_NAMES, brisqueFeatures } from '@iqa-zoo/core';
import { decodeImage } from '@iqa-zoo/image-node';
import { readMosCsv } from '@iqa-zoo/train';
import { DATA } from './lib/data-folder.mjs';

const { values: args } = parseArgs({
  options: {
    csv: { type: 'string', default: path.join(DATA, 'clive/mos.csv') },
    count: { type: 'string', default: '40' },
  },
});
// Besides OpenCV's features, the scale-1 MSCN variance from OpenCV's own primitives (GaussianBlur, replicated
// borders) computed in float32 and in float64, to tell precision apart from a difference in the method.
const PYTHON = `
import json, sys, numpy as np, cv2
def mscn_var(grey, dt):
    x = grey.astype(dt) / dt(255)
    mu = cv2.GaussianBlur(x, (7, 7), 7 / 6, borderType=cv2.BORDER_REPLICATE)
    m2 = cv2.GaussianBlur(x * x, (7, 7), 7 / 6, borderType=cv2.BORDER_REPLICATE)
    d = x - mu
    if dt is np.float64: d[np.abs(d) < 1e-9] = 0
    z = d / (np.sqrt(np.abs(m2 - mu * mu)) + dt(1 / 255))
    return float(((z[z < 0] ** 2).mean() + (z[z > 0] ** 2).mean()) / 2)
out = []
for item in json.load(open(sys.argv[1])):
    a = np.fromfile(item['raw'], dtype=np.uint8).reshape(item['height'], item['width'], item['channels'])
    bgr = np.ascontiguousarray(a[:, :, [2, 1, 0]])
    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    features = [float(v) for v in cv2.quality.QualityBRISQUE_computeFeatures(bgr).ravel()]
    out.append({'features': features, 'var32': mscn_var(grey, np.float32), 'var64': mscn_var(grey, np.float64)})
print(json.dumps(out))
`;

const entries = (await readMosCsv(args.csv)).sort((a, b) => (a.image < b.image ? -1 : 1)).slice(0, Number(args.count));
const dir = mkdtempSync(path.join(tmpdir(), 'brisque-photos-'));
try {
  const items = [];
  const ours = [];
  for (const [i, e] of entries.entries()) {
    const img = await decodeImage(e.file);
    const raw = path.join(dir, `${i}.raw`);
    writeFileSync(raw, img.data);
    items.push({ raw, width: img.width, height: img.height, channels: img.channels });
    ours.push(brisqueFeatures(img));
  }
  writeFileSync(path.join(dir, 'items.json'), JSON.stringify(items));
  const run = spawnSync('/usr/bin/python3', ['-c', PYTHON, path.join(dir, 'items.json')], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (run.status !== 0) throw new Error(`OpenCV failed: ${run.stderr}`);
  const python = JSON.parse(run.stdout);
  const theirs = python.map((p) => p.features);
  const shapes = BRISQUE_FEATURE_NAMES.flatMap((n, j) => (n.endsWith('shape') ? [j] : []));
  const others = BRISQUE_FEATURE_NAMES.flatMap((n, j) => (n.endsWith('shape') ? [] : [j]));
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const perImage = ours.map((o, i) => {
    const cv = theirs[i];
    // Relative to |OpenCV| floored at 1e-3, so a mean near 0 does not dominate.
    const rel = others.map((j) => Math.abs(o[j] - cv[j]) / Math.max(Math.abs(cv[j]), 1e-3));
    return {
      shape: Math.max(...shapes.map((j) => Math.abs(o[j] - cv[j]))),
      medianRel: median(rel),
      maxRel: Math.max(...rel),
      worst: BRISQUE_FEATURE_NAMES[others[rel.indexOf(Math.max(...rel))]],
    };
  });
  const worst = perImage.reduce((a, b) => (b.maxRel > a.maxRel ? b : a));
  const cv2 = spawnSync('/usr/bin/python3', ['-c', 'import cv2; print(cv2.__version__)'], { encoding: 'utf8' });
  console.log(`${entries.length} CLIVE photos, brisqueFeatures vs OpenCV ${cv2.stdout.trim()} on the same pixels:`);
  console.log(`  largest shape difference ${Math.max(...perImage.map((p) => p.shape)).toFixed(4)}`);
  console.log(
    '  other features, relative difference: median over images of the per-image median ' +
      `${median(perImage.map((p) => p.medianRel)).toExponential(2)}, ` +
      `largest ${worst.maxRel.toFixed(3)} (${worst.worst})`,
  );
  console.log(
    `  images whose other features all agree within 1e-3 relative: ${perImage.filter((p) => p.maxRel < 1e-3).length}`,
  );
  const v = BRISQUE_FEATURE_NAMES.indexOf('s1.mscn.var');
  const relTo = (a, b) => Math.abs(a - b) / Math.abs(b);
  console.log(
    '  s1.mscn.var, median relative difference: ' +
      `ours vs OpenCV ${median(ours.map((o, i) => relTo(o[v], theirs[i][v]))).toExponential(2)}, ` +
      "ours vs OpenCV's primitives in float64 " +
      `${median(ours.map((o, i) => relTo(o[v], python[i].var64))).toExponential(2)}, ` +
      'OpenCV vs its primitives in float32 ' +
      `${median(theirs.map((t, i) => relTo(t[v], python[i].var32))).toExponential(2)}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
