#!/usr/bin/env bash
# Installs Debian's python3-opencv for the BRISQUE check against OpenCV (packages/core/test/brisque-opencv.test.ts),
# which runs it with /usr/bin/python3. Idempotent: does nothing when cv2.quality already imports. Needs root (or sudo).
set -euo pipefail

if /usr/bin/python3 -c "import cv2; cv2.quality" >/dev/null 2>&1; then
  echo "install-opencv: OpenCV $(/usr/bin/python3 -c 'import cv2; print(cv2.__version__)') already installed"
  exit 0
fi

# Root runs apt-get itself; anyone else needs sudo.
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="$(command -v sudo)" || { echo "install-opencv: need root (or sudo) to apt-get install python3-opencv" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends python3-opencv
/usr/bin/python3 -c "import cv2; cv2.quality; print('install-opencv: OpenCV', cv2.__version__)"
