#!/usr/bin/env bash
# Held-out ranking set (issue 20): photos the project never trained on (none is in
# the data folder's pristine/manifest.csv), distorted by ImageMagick rather than by iqa distort's
# generator, at 4 strengths each, plus a set of extremes. A benchmark, not run in CI.
#
# Usage: scripts/heldout-ranking-set.sh OUT
#   OUT/ref/<name>.png            each photo, long side shrunk to at most 512 px (level 0)
#   OUT/blur/<1-4>/<name>.png     -gaussian-blur 0x0.8, 0x1.6, 0x3.2, 0x6.4
#   OUT/jpeg/<1-4>/<name>.jpg     -quality 50, 25, 10, 5
#   OUT/noise/<1-4>/<name>.png    -attenuate 0.5, 1, 2, 4 +noise Gaussian (-seed 1; about 29, 23, 17, 12 dB PSNR)
#   OUT/manifest.csv              file,reference,type,level (what `iqa eval --ranking` reads)
#   OUT/manifest-photos.csv       the same without the 4 wallpapers (paintings and digital art): camera photos only
#   OUT/manifest-opencv.csv       9 more camera photos (OpenCV's samples, package opencv-doc), the same distortions
#   OUT/manifest-photos-all.csv   the 19 camera photos of the two above
#   OUT/extremes/*                uniform random pixels, flat grey 128, the coffee photo at sigma 16
#                                 and at JPEG quality 1, over- and under-exposed, and the clean photo
# Sources (Debian packages): plasma-workspace-wallpapers, mate-backgrounds, lomiri-wallpapers-20.04,
# opencv-doc, python3-skimage (scikit-image's sample photos). Exits non-zero when a tool or a photo is missing
# or a command fails.
set -euo pipefail

OUT=${1:?Usage: scripts/heldout-ranking-set.sh OUT}
if ! command -v convert >/dev/null 2>&1; then
  echo "heldout-ranking-set: expected ImageMagick's convert on PATH but found none; install it with: apt-get install imagemagick" >&2
  exit 1
fi

SK=/usr/lib/python3/dist-packages/skimage/data
# name|path|Debian package|art (painting, digital art) or photo
PHOTOS=(
  "autumn|/usr/share/wallpapers/Autumn/contents/images/2560x1600.jpg|plasma-workspace-wallpapers|art"
  "elephants|/usr/share/backgrounds/mate/abstract/Elephants.jpg|mate-backgrounds|art"
  "fossa|/usr/share/backgrounds/Fossa_by_Jasper_Roks.jpg|lomiri-wallpapers-20.04|art"
  "infinite-sea|/usr/share/backgrounds/Infinite-Sea_by_Aury88.jpg|lomiri-wallpapers-20.04|art"
  "astronaut|$SK/astronaut.png|python3-skimage|photo"
  "chelsea|$SK/chelsea.png|python3-skimage|photo"
  "coffee|$SK/coffee.png|python3-skimage|photo"
  "rocket|$SK/rocket.jpg|python3-skimage|photo"
  "motorcycle|$SK/motorcycle_left.png|python3-skimage|photo"
  "camera|$SK/camera.png|python3-skimage|photo"
  "coins|$SK/coins.png|python3-skimage|photo"
  "grass|$SK/grass.png|python3-skimage|photo"
  "gravel|$SK/gravel.png|python3-skimage|photo"
  "brick|$SK/brick.png|python3-skimage|photo"
)
OCV=/usr/share/doc/opencv-doc/examples/data
# More camera photos, in their own manifests only (manifest.csv keeps the 14 above): OpenCV's sample
# photos that are PNG or JPEG of quality 90 or more (ImageMagick's estimate), so that a reference does
# not carry strong JPEG artefacts of its own, and at least 500 px wide.
MORE=(
  "baboon|$OCV/baboon.jpg|opencv-doc|photo"
  "fruits|$OCV/fruits.jpg|opencv-doc|photo"
  "leuven|$OCV/leuvenA.jpg|opencv-doc|photo"
  "notebook|$OCV/ela_original.jpg|opencv-doc|photo"
  "chicky|$OCV/chicky_512.png|opencv-doc|photo"
  "graffiti|$OCV/graf1.png|opencv-doc|photo"
  "rubberwhale|$OCV/rubberwhale1.png|opencv-doc|photo"
  "squirrel|$OCV/squirrel_cls.jpg|opencv-doc|photo"
  "basketball|$OCV/basketball1.png|opencv-doc|photo"
)
for entry in "${PHOTOS[@]}" "${MORE[@]}"; do
  IFS='|' read -r _ path pkg _ <<<"$entry"
  if [ ! -f "$path" ]; then
    echo "heldout-ranking-set: expected the photo $path but it is missing; install it with: apt-get install $pkg" >&2
    exit 1
  fi
done

BLUR=(0.8 1.6 3.2 6.4)
QUALITY=(50 25 10 5)
NOISE=(0.5 1 2 4)
mkdir -p "$OUT/ref" "$OUT/extremes"
for l in 1 2 3 4; do mkdir -p "$OUT/blur/$l" "$OUT/jpeg/$l" "$OUT/noise/$l"; done
# ladders MANIFEST ENTRY...: each entry's reference and its 12 distorted images, listed in MANIFEST.
ladders() {
  local manifest=$1 entry name path ref i l
  shift
  echo "file,reference,type,level" >"$manifest.tmp"
  for entry in "$@"; do
    IFS='|' read -r name path _ _ <<<"$entry"
    ref="$OUT/ref/$name.png"
    # sRGB, 8 bits, no alpha, long side at most 512 px (a smaller photo keeps its size)
    convert "$path" -auto-orient -alpha off -colorspace sRGB -type TrueColor -depth 8 -resize '512x512>' "$ref"
    echo "ref/$name.png,$name,reference,0" >>"$manifest.tmp"
    for i in 0 1 2 3; do
      l=$((i + 1))
      convert "$ref" -gaussian-blur "0x${BLUR[$i]}" "$OUT/blur/$l/$name.png"
      convert "$ref" -quality "${QUALITY[$i]}" "$OUT/jpeg/$l/$name.jpg"
      convert "$ref" -seed 1 -attenuate "${NOISE[$i]}" +noise Gaussian "$OUT/noise/$l/$name.png"
      printf '%s\n' "blur/$l/$name.png,$name,blur,$l" "jpeg/$l/$name.jpg,$name,jpeg,$l" "noise/$l/$name.png,$name,noise,$l" >>"$manifest.tmp"
    done
  done
  mv "$manifest.tmp" "$manifest"
}
MANIFEST="$OUT/manifest.csv"
ladders "$MANIFEST" "${PHOTOS[@]}"
ART=$(printf '%s\n' "${PHOTOS[@]}" | awk -F'|' '$4 == "art" { print $1 }' | paste -sd'|')
grep -v -E ",($ART)," "$MANIFEST" >"$OUT/manifest-photos.csv"
ladders "$OUT/manifest-opencv.csv" "${MORE[@]}"
# every camera photo: the 10 of manifest-photos.csv and the 9 OpenCV photos
{ cat "$OUT/manifest-photos.csv"; tail -n +2 "$OUT/manifest-opencv.csv"; } >"$OUT/manifest-photos-all.csv"

X="$OUT/extremes"
PHOTO="$OUT/ref/coffee.png"
convert -size 512x512 -seed 1 'xc:rgb(128,128,128)' -type TrueColor -channel RGB +noise Random "$X/random-pixels.png" # uniform 0-255 per channel
convert -size 512x512 'xc:rgb(128,128,128)' -type TrueColor "$X/flat-grey.png"
convert "$PHOTO" -gaussian-blur 0x16 "$X/blur-sigma16.png"
convert "$PHOTO" -quality 1 "$X/jpeg-quality1.jpg"
convert "$PHOTO" -evaluate multiply 16 "$X/over-exposed.png"   # nearly white: every tone above 16 of 255 clips
convert "$PHOTO" -evaluate multiply 0.06 "$X/under-exposed.png" # nearly black: 0-15 of 255
cp "$PHOTO" "$X/clean-photo.png"                               # the same photo undistorted, for comparison

echo "heldout-ranking-set: $((${#PHOTOS[@]} * 13)) images of ${#PHOTOS[@]} photos in $MANIFEST;" \
  "$((${#MORE[@]} * 13)) of ${#MORE[@]} more in $OUT/manifest-opencv.csv; $(ls "$X" | wc -l) extremes in $X"
