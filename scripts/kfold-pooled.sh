#!/usr/bin/env bash
# Scores every CLIVE image of the five folds of scripts/kfold.sh with the model that did not train
# on it (each fold's last epoch, exported to ONNX, the card's 30 crops), pools the scores and
# prints one set of metrics over all of them with 95% bootstrap intervals; the pooled scores stay in
# WORK_DIR/scores.csv (with WORK_DIR/mos.csv) for scripts/compare-scores.mjs.
# Usage: bash scripts/kfold-pooled.sh [RECIPE] [WORK_DIR]
#   RECIPE as in scripts/kfold.sh (scripts/kfold/recipes.json; default rank-task);
#   WORK_DIR default /tmp/iqa-kfold-RECIPE.
#   FOLD0=DIR overrides fold 0's run folder (the zoo model's own last step; default: the recipe's).
#   FOLDS="0 1 2" scores only those folds (e.g. while the others still train); the metrics are
#   printed once all five are scored.
set -euo pipefail
cd "$(dirname "$0")/.."
recipe="${1:-rank-task}"
work="${2:-/tmp/iqa-kfold-$recipe}"
shell=$(node scripts/kfold/recipe.mjs "$recipe") || exit 64
eval "$shell"
mkdir -p "$work"
iqa() { node packages/cli/bin/iqa.js "$@"; }
runs=("${FOLD0:-$fold0_upper}" runs/kfold/${upper}1 runs/kfold/${upper}2 runs/kfold/${upper}3 runs/kfold/${upper}4)
echo "image,mos" > "$work/mos.csv"
echo "file,score,error_code,error_message" > "$work/scores.csv"
for k in ${FOLDS:-0 1 2 3 4}; do
  run="${runs[$k]}"
  tail -n +2 "$run/val.csv" | sed "s#^#$run/#" >> "$work/mos.csv"
  # A fold scored before (fold$k.csv, written whole at the end) is reused: a killed run resumes.
  if [ ! -f "$work/fold$k.csv" ]; then
    iqa export --from "$run/last" --out "$work/fold$k" > /dev/null
    mapfile -t files < <(tail -n +2 "$run/val.csv" | cut -d, -f1 | sed "s#^#$run/#")
    # A failed image leaves its row without a score; eval-scores.mjs then names what is missing.
    { iqa score "${files[@]}" --model "$work/fold$k" --csv 2> /dev/null || true; } | tail -n +2 > "$work/fold$k.tmp"
    mv "$work/fold$k.tmp" "$work/fold$k.csv"
  fi
  cat "$work/fold$k.csv" >> "$work/scores.csv"
  echo "fold $k: $(wc -l < "$work/fold$k.csv") images scored by $run/last"
done
for k in 0 1 2 3 4; do
  [ -f "$work/fold$k.csv" ] || { echo "fold $k not scored yet: no pooled metrics" >&2; exit 0; }
done
node scripts/eval-scores.mjs "$work/mos.csv" "$work/scores.csv"
