#!/usr/bin/env bash
# Scores every CLIVE image of the five folds of scripts/kfold.sh with the model that did not train
# on it (each fold's last epoch, exported to ONNX, the card's 30 crops), pools the scores and
# prints one set of metrics over all of them with 95% bootstrap intervals.
# Usage: bash scripts/kfold-pooled.sh [WORK_DIR]   (default /tmp/iqa-kfold; run after kfold.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-/tmp/iqa-kfold}"
mkdir -p "$work"
iqa() { node packages/runtime-node/dist/cli/main.js "$@"; }
runs=(runs/mobilenetv2-ml/finetune-upper-12crops-10ep runs/kfold/upper-fold1 runs/kfold/upper-fold2 runs/kfold/upper-fold3 runs/kfold/upper-fold4)
echo "image,mos" > "$work/mos.csv"
echo "file,score,error_code,error_message" > "$work/scores.csv"
for k in "${!runs[@]}"; do
  run="${runs[$k]}"
  iqa export --from "$run/last" --out "$work/fold$k" > /dev/null
  tail -n +2 "$run/val.csv" | sed "s#^#$run/#" >> "$work/mos.csv"
  mapfile -t files < <(tail -n +2 "$run/val.csv" | cut -d, -f1 | sed "s#^#$run/#")
  # A failed image leaves its row without a score; eval-scores.mjs then names what is missing.
  { iqa score "${files[@]}" --model "$work/fold$k" --csv 2> /dev/null || true; } | tail -n +2 >> "$work/scores.csv"
  echo "fold $k: ${#files[@]} images scored by $run/last"
done
node scripts/eval-scores.mjs "$work/mos.csv" "$work/scores.csv"
