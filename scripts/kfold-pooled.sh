#!/usr/bin/env bash
# Scores every CLIVE image of the five folds of scripts/kfold.sh with the model that did not train
# on it (each fold's last epoch, exported to ONNX, the card's 30 crops), pools the scores and
# prints one set of metrics over all of them with 95% bootstrap intervals.
# Each fold's scores are kept in results/kfold/RECIPE/foldK.csv (committed: `iqa score --csv` rows with
# the images' file names), and a fold whose file is there is not scored again, so the pooled metrics
# and paired comparisons outlive the run folders (a later session finishes the missing folds only):
#   node scripts/compare-scores.mjs WORK_DIR/mos.csv WORK_DIR/scores.csv OTHER_WORK_DIR/scores.csv
# Usage: bash scripts/kfold-pooled.sh [RECIPE] [WORK_DIR]
#   RECIPE as in scripts/kfold.sh (scripts/kfold/recipes.json; default rank-task);
#   WORK_DIR (default /tmp/iqa-kfold-RECIPE) receives the exported fold models, the pooled scores.csv and mos.csv.
#   FOLD0=DIR overrides fold 0's run folder (the zoo model's own last step; default: the recipe's).
#   FOLD0_MODEL=ID|DIR scores fold 0 with that exported model instead of exporting FOLD0/last: the zoo
#   model itself (e.g. models/mobilenetv2-ml-clive, exported from its run's last epoch) once its run
#   folder is gone; fold 0's validation list is then FOLD0_VAL (a val.csv any run on the card's split
#   wrote, e.g. runs/mobilenetv2-ml/finetune-head-12crops-wide/val.csv; paths relative to its folder).
#   FOLDS="0 1 2" scores only those folds (e.g. while the others still train); the metrics are
#   printed once all five are kept.
# The MOS list is the training data folder's clive/mos.csv ($IQA_ZOO_DATA, else ./data).
set -euo pipefail
cd "$(dirname "$0")/.."
recipe="${1:-rank-task}"
work="${2:-/tmp/iqa-kfold-$recipe}"
shell=$(node scripts/kfold/recipe.mjs "$recipe") || exit 64
eval "$shell"
kept="results/kfold/$recipe"
mos="${IQA_ZOO_DATA:-data}/clive/mos.csv"
mkdir -p "$work" "$kept"
iqa() { node packages/cli/bin/iqa.js "$@"; }
runs=("${FOLD0:-$fold0_upper}" runs/kfold/${upper}1 runs/kfold/${upper}2 runs/kfold/${upper}3 runs/kfold/${upper}4)
for k in ${FOLDS:-0 1 2 3 4}; do
  run="${runs[$k]}"
  # A fold kept before (written whole at the end) is reused: a killed run resumes.
  if [ ! -f "$kept/fold$k.csv" ]; then
    model="$work/fold$k" val="$run/val.csv"
    if [ "$k" = 0 ] && [ -n "${FOLD0_MODEL:-}" ]; then
      model=$FOLD0_MODEL val=${FOLD0_VAL:?FOLD0_MODEL needs FOLD0_VAL, a val.csv of the card split}
      [ -f "$val" ] || { echo "kfold-pooled.sh: expected FOLD0_VAL to be a val.csv but found no file $val" >&2; exit 1; }
    else
      [ -d "$run/last" ] || {
        echo "kfold-pooled.sh: expected fold $k's run in $run (scripts/kfold.sh $recipe) but found none" >&2
        exit 1
      }
      iqa export --from "$run/last" --out "$model" > /dev/null
    fi
    dir=$(dirname "$val")
    mapfile -t files < <(tail -n +2 "$val" | cut -d, -f1 | sed "s#^#$dir/#")
    # A failed image leaves its row without a score; eval-scores.mjs then names what is missing.
    { iqa score "${files[@]}" --model "$model" --csv 2> /dev/null || true; } > "$work/fold$k.tmp"
    # Only the file names are kept (the images' folders are this machine's).
    awk -F, -v OFS=, 'NR == 1 { print; next } { n = split($1, p, "/"); $1 = p[n]; print }' "$work/fold$k.tmp" \
      > "$kept/fold$k.tmp"
    mv "$kept/fold$k.tmp" "$kept/fold$k.csv"
  fi
  echo "fold $k: $(($(wc -l < "$kept/fold$k.csv") - 1)) images scored ($kept/fold$k.csv)"
done
for k in 0 1 2 3 4; do
  [ -f "$kept/fold$k.csv" ] || { echo "fold $k not scored yet: no pooled metrics" >&2; exit 0; }
done
head -1 "$kept/fold0.csv" > "$work/scores.csv"
for k in 0 1 2 3 4; do tail -n +2 "$kept/fold$k.csv" >> "$work/scores.csv"; done
cp "$mos" "$work/mos.csv" # beside scores.csv, for scripts/compare-scores.mjs
node scripts/eval-scores.mjs "$work/mos.csv" "$work/scores.csv"
