#!/usr/bin/env bash
# Compares two recipes' five-fold cross-validations paired, image by image, over the folds both have
# kept in results/kfold/RECIPE/foldK.csv (scripts/kfold-pooled.sh writes them): each image is scored
# by the fold model of each recipe that did not train on it, and scripts/compare-scores.mjs draws the
# same images for both in every bootstrap resample. With fewer than five common folds the comparison
# covers only their images (it says how many).
# Usage: bash scripts/compare-kfold.sh RECIPE_A RECIPE_B [WORK_DIR]   (A - B; WORK_DIR default /tmp/iqa-compare-A-B)
# The MOS come from the training data folder's clive/mos.csv ($IQA_ZOO_DATA, else ./data).
# Needs `npm run build` (compare-scores.mjs reads @iqa-zoo/core's dist).
set -euo pipefail
cd "$(dirname "$0")/.."
a=${1:?Usage: bash scripts/compare-kfold.sh RECIPE_A RECIPE_B [WORK_DIR]}
b=${2:?Usage: bash scripts/compare-kfold.sh RECIPE_A RECIPE_B [WORK_DIR]}
work=${3:-/tmp/iqa-compare-$a-$b}
mos="${IQA_ZOO_DATA:-data}/clive/mos.csv"
[ -f "$mos" ] || { echo "compare-kfold.sh: expected the MOS list $mos but found none (set IQA_ZOO_DATA)" >&2; exit 1; }
folds=()
for k in 0 1 2 3 4; do
  if [ -f "results/kfold/$a/fold$k.csv" ] && [ -f "results/kfold/$b/fold$k.csv" ]; then folds+=("$k"); fi
done
[ ${#folds[@]} -gt 0 ] || { echo "compare-kfold.sh: expected a fold kept for both $a and $b in results/kfold/ but found none" >&2; exit 1; }
mkdir -p "$work"
for r in "$a" "$b"; do
  { head -1 "results/kfold/$r/fold${folds[0]}.csv"; for k in "${folds[@]}"; do tail -n +2 "results/kfold/$r/fold$k.csv"; done; } > "$work/$r.csv"
done
# The MOS rows of the common folds' images only (compare-scores.mjs wants a score for every row).
awk -F, 'NR == FNR { if (FNR > 1) keep[$1] = 1; next } FNR == 1 { print; next } { n = split($1, p, "/"); if (p[n] in keep) print }' \
  "$work/$a.csv" "$mos" > "$work/mos.csv"
echo "folds ${folds[*]}: $(($(wc -l < "$work/mos.csv") - 1)) images; A = $a, B = $b"
node scripts/compare-scores.mjs "$work/mos.csv" "$work/$a.csv" "$work/$b.csv"
