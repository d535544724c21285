#!/usr/bin/env python3
"""A second held-out ranking set (issue 20), for choosing between models, so that the ImageMagick set of
scripts/heldout-ranking-set.sh stays out of model selection and only reports.

Images: Debian wallpapers (photos and digital art) and scikit-image's photos (no line art, logos or text) that are neither in the data folder's
pristine/manifest.csv nor in the ImageMagick set. Distortions by OpenCV and numpy (neither the training
generator nor ImageMagick), 4 strengths each:
  blur   cv2.GaussianBlur, sigma 1, 2, 4, 8
  jpeg   cv2.imencode quality 60, 30, 15, 6
  noise  zero-mean Gaussian per channel (grey images: one channel), sigma 5, 10, 20, 40 on 0-255 (seed 5)
Writes OUT/ref/<name>.png (long side at most 512 px), OUT/<type>/<level>/<name>.png|jpg and OUT/manifest.csv
(file,reference,type,level: what `iqa eval --ranking` reads).

Usage: /usr/bin/python3 scripts/selection-ranking-set.py OUT [DATA]   (DATA: $IQA_ZOO_DATA, else ./data)
Needs Debian's python3-opencv; exits non-zero when an image cannot be read or written.
"""
import csv
import glob
import os
import sys

import cv2
import numpy as np

SK = '/usr/lib/python3/dist-packages/skimage/data'
IMAGEMAGICK_SET = {'astronaut', 'chelsea', 'coffee', 'rocket', 'motorcycle_left', 'camera', 'coins', 'grass',
                   'gravel', 'brick', 'Autumn', 'Elephants', 'Fossa_by_Jasper_Roks', 'Infinite-Sea_by_Aury88'}
CANDIDATES = sorted(glob.glob('/usr/share/wallpapers/*/contents/images/*')) + sorted(
    glob.glob('/usr/share/backgrounds/*.jpg')) + [
    f'{SK}/{n}' for n in ['hubble_deep_field.jpg', 'moon.png', 'retina.jpg', 'ihc.png', 'cell.png', 'microaneurysms.png']]
LEVELS = {'blur': [1, 2, 4, 8], 'jpeg': [60, 30, 15, 6], 'noise': [5, 10, 20, 40]}


def name_of(path):
    parts = path.split('/')
    if '/wallpapers/' in path:
        return parts[parts.index('wallpapers') + 1]
    return os.path.splitext(parts[-1])[0]


def main():
    out = sys.argv[1]
    data = sys.argv[2] if len(sys.argv) > 2 else os.environ.get('IQA_ZOO_DATA', 'data')
    with open(os.path.join(data, 'pristine', 'manifest.csv')) as f:
        pristine = ' '.join(r['source'] for r in csv.DictReader(f))
    chosen = {}
    for path in CANDIDATES:
        name = name_of(path)
        if name in IMAGEMAGICK_SET or name in chosen or os.path.basename(path) in pristine:
            continue
        if '/wallpapers/' in path and f'wallpapers/{name}/' in pristine:
            continue
        chosen[name] = path
    rows = [('file', 'reference', 'type', 'level')]
    rng = np.random.default_rng(5)
    for name, path in chosen.items():
        img = cv2.imread(path, cv2.IMREAD_UNCHANGED)
        if img is None:
            sys.exit(f'selection-ranking-set: could not read {path}')
        if img.ndim == 3 and img.shape[2] == 4:
            img = cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
        if img.dtype != np.uint8:
            img = cv2.convertScaleAbs(img, alpha=255.0 / max(1, int(img.max())))
        scale = 512 / max(img.shape[:2])
        if scale < 1:
            img = cv2.resize(img, (round(img.shape[1] * scale), round(img.shape[0] * scale)),
                             interpolation=cv2.INTER_AREA)
        write(out, f'ref/{name}.png', img)
        rows.append((f'ref/{name}.png', name, 'reference', 0))
        for level, sigma in enumerate(LEVELS['blur'], 1):
            rows.append(write(out, f'blur/{level}/{name}.png', cv2.GaussianBlur(img, (0, 0), sigma), name, level))
        for level, q in enumerate(LEVELS['jpeg'], 1):
            ok, enc = cv2.imencode('.jpg', img, [cv2.IMWRITE_JPEG_QUALITY, q])
            rows.append(write(out, f'jpeg/{level}/{name}.jpg', cv2.imdecode(enc, cv2.IMREAD_UNCHANGED), name, level,
                              raw=enc.tobytes()))
        field = rng.standard_normal(img.shape)
        for level, sigma in enumerate(LEVELS['noise'], 1):
            noisy = np.clip(np.round(img.astype(np.float64) + sigma * field), 0, 255).astype(np.uint8)
            rows.append(write(out, f'noise/{level}/{name}.png', noisy, name, level))
    with open(os.path.join(out, 'manifest.csv'), 'w', newline='') as f:
        csv.writer(f).writerows(rows)
    print(f'{len(chosen)} images: {", ".join(chosen)}; {len(rows) - 1} files in {out}/manifest.csv')


def write(out, rel, img, name=None, level=None, raw=None):
    path = os.path.join(out, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if raw is not None:
        with open(path, 'wb') as f:
            f.write(raw)
    elif not cv2.imwrite(path, img):
        sys.exit(f'selection-ranking-set: could not write {path}')
    return (rel, name, rel.split('/')[0], level)


main()
