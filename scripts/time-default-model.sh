#!/usr/bin/env bash
# Times a first run of the default model's training (issue 5's 60-minute target): runs
# scripts/train-default-model.sh with an empty feature cache and a scratch folder (nothing in
# runs/, .cache/ or models/ is touched). Prints each step's wall time and the total.
# Reads the training data folder ($IQA_ZOO_DATA, else ./data); run from the repository root after `npm install`.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-$(mktemp -d /tmp/iqa-time-default.XXXXXX)}
echo "scratch folder $WORK; load average $(cut -d' ' -f1-3 /proc/loadavg)"
T0=$SECONDS
SCRATCH=$WORK TIMES=$WORK/times.txt bash scripts/train-default-model.sh
echo "TIME total $((SECONDS - T0)) s; load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$WORK/times.txt"
