#!/usr/bin/env python3
"""A second held-out ranking set (issue 20), for choosing between models, so that the ImageMagick set of
scripts/heldout-ranking-set.sh stays out of model selection and only reports.

Images: 27, pinned by path in IMAGES: 21 Debian wallpapers (photos and digital art) and 6 scikit-image photos
(no line art, logos or text), none in the data folder's pristine/manifest.csv (checked) nor in the ImageMagick
set. Distortions by OpenCV and numpy (neither the training generator nor ImageMagick), 4 strengths each:
  blur   cv2.GaussianBlur, sigma 1, 2, 4, 8
  jpeg   cv2.imencode quality 60, 30, 15, 6
  noise  zero-mean Gaussian per channel (grey images: one channel), sigma 5, 10, 20, 40 on 0-255 (seed 5)
Writes OUT/ref/<name>.png (long side at most 512 px), OUT/<type>/<level>/<name>.png|jpg and OUT/manifest.csv
(file,reference,type,level: what `iqa eval --ranking` reads).

Usage: /usr/bin/python3 scripts/selection-ranking-set.py OUT [DATA]   (DATA: $IQA_ZOO_DATA, else ./data)
Needs Debian's python3-opencv; exits non-zero when an image cannot be read or written.
"""
import csv
import os
import sys

import cv2
import numpy as np

SK = '/usr/lib/python3/dist-packages/skimage/data'
IMAGEMAGICK_SET = {'astronaut', 'chelsea', 'coffee', 'rocket', 'motorcycle_left', 'camera', 'coins', 'grass',
                   'gravel', 'brick', 'Autumn', 'Elephants', 'Fossa_by_Jasper_Roks', 'Infinite-Sea_by_Aury88'}
KDE = '/usr/share/wallpapers/{}/contents/images/{}'
# The 27 images, pinned (name, path, Debian package): the set once chose 0.6.0, so it must not change
# with what else is installed. They were the first file of each KDE wallpaper folder and every
# /usr/share/backgrounds/*.jpg that is neither in the pristine set nor in the ImageMagick set.
IMAGES = [(n, KDE.format(n, f), 'plasma-workspace-wallpapers') for n, f in [
    ('Altai', '1080x1920.png'), ('Canopee', '3840x2160.png'), ('Cascade', '3840x2160.png'),
    ('Cluster', '3840x2160.png'), ('Elarun', '2560x1600.png'), ('Flow', '5120x2880.jpg'),
    ('FlyingKonqui', '1280x1024.png'), ('Honeywave', '1080x1920.jpg'), ('IceCold', '5120x2880.png'),
    ('Kay', '1080x1920.png'), ('Kokkini', '3840x2160.png'), ('MilkyWay', '1080x1920.png'),
    ('Opal', '3840x2160.png'), ('PastelHills', '1280x1024.jpg'), ('Patak', '1080x1920.png'),
    ('SafeLanding', '1622x2880.jpg'), ('Shell', '5120x2880.jpg'), ('Volna', '5120x2880.jpg')]] + [
    ('Painting-Colors_by__herobrine7gamer', '/usr/share/backgrounds/Painting-Colors_by__herobrine7gamer.jpg',
     'lomiri-wallpapers-20.04'),
    ('analogpattern_by_Peter_Nerlich', '/usr/share/backgrounds/analogpattern_by_Peter_Nerlich.jpg',
     'lomiri-wallpapers-16.04'),
    ('umang_by_Abhishek_Mudgal', '/usr/share/backgrounds/umang_by_Abhishek_Mudgal.jpg', 'lomiri-wallpapers-16.04')] + [
    (os.path.splitext(n)[0], f'{SK}/{n}', 'python3-skimage') for n in [
        'hubble_deep_field.jpg', 'moon.png', 'retina.jpg', 'ihc.png', 'cell.png', 'microaneurysms.png']]
LEVELS = {'blur': [1, 2, 4, 8], 'jpeg': [60, 30, 15, 6], 'noise': [5, 10, 20, 40]}


def main():
    out = sys.argv[1]
    data = sys.argv[2] if len(sys.argv) > 2 else os.environ.get('IQA_ZOO_DATA', 'data')
    with open(os.path.join(data, 'pristine', 'manifest.csv')) as f:
        pristine = ' '.join(r['source'] for r in csv.DictReader(f))
    chosen = {}
    for name, path, package in IMAGES:
        if not os.path.isfile(path):
            sys.exit(f'selection-ranking-set: expected the image {path} but it is missing; '
                     f'install it with: apt-get install {package}')
        if name in IMAGEMAGICK_SET or os.path.basename(path) in pristine or f'wallpapers/{name}/' in pristine:
            sys.exit(f'selection-ranking-set: expected {path} to be outside the pristine and ImageMagick sets '
                     'but it is in one of them')
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
