#!/usr/bin/env bash
# Installs Debian packages unless a command they provide is already on PATH. Needs root (or sudo).
#   bash .ci/apt-install.sh COMMAND PACKAGE...      e.g. bash .ci/apt-install.sh redis-server redis-server
set -euo pipefail

if [ "$#" -lt 2 ]; then
  echo "apt-install: expected COMMAND PACKAGE... but received $# argument(s)" >&2
  exit 2
fi
cmd="$1"
shift
if command -v "$cmd" >/dev/null 2>&1; then
  echo "apt-install: $cmd already installed"
  exit 0
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "apt-install: need root (or sudo) to apt-get install $*" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y --no-install-recommends "$@"
