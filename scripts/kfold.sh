#!/usr/bin/env bash
# Five-fold cross-validation of a zoo model's recipe on CLIVE: the split of splitSeed 2017 cut into
# 5 folds; fold 0 is the zoo model's own run, folds 1-4 are configs/kfold/ (a recipe with
# "retrainFold0" trains fold 0 from configs/kfold/ too). The recipes (stage-1 checkpoint, one or two
# training steps, fold 0's runs) are in scripts/kfold/recipes.json.
# Every fold starts from the recipe's stage-1 checkpoint (or from scratch: nima from the ImageNet
# backbone, cnniqa from random weights). In a two-step recipe each fold's head step fills the
# feature cache its upper-block step reads. Then: node scripts/kfold-table.mjs RECIPE and
# scripts/kfold-pooled.sh RECIPE.
# Usage: scripts/kfold.sh [RECIPE]   RECIPE (default rank-task), one of:
#   (node scripts/kfold/recipe.mjs --list prints them with their descriptions)
#   rank-task  0.5.0's recipe      rank-grey  0.6.0's (the default model's)     mos-only  0.4.0's
#   nima       nima-mobilenetv2-clive's                                          cnniqa    cnniqa-clive's
#   upper-clive  mobilenetv2-ml-upper-clive's          both      routes (a) and (b) together (a candidate)
#   route-a    route (a) of issue 20 (a candidate)   wadiqam   wadiqam-nr-clive's (about 45 min a fold on one core)
# The configs' data paths resolve against the training data folder ($IQA_ZOO_DATA, else ./data;
# docs/training.md, "Training data"); `iqa data check` says what it lacks.
# Environment: RANK=DIR overrides the stage-1 checkpoint; LANES=1 runs the folds one after another
# (default 2: two lanes share the cores; training on wasm uses one core a run).
set -euo pipefail
cd "$(dirname "$0")/.."
recipe=${1:-rank-task}
shell=$(node scripts/kfold/recipe.mjs "$recipe") || exit 64
eval "$shell"
rank=${RANK:-$rank}
iqa() { node packages/cli/bin/iqa.js "$@"; }
# An empty $rank starts the first step from the network's own initial weights.
head_step() {
  iqa train "$head_stage" --config "configs/kfold/$head$1.json" ${rank:+--from "$rank"} --feature-workers "$2" --resume
}
# The last step starts from the fold's head step, or (one-step recipe) where the head step would.
upper_step() {
  local from=${head:+runs/kfold/$head$1/best}
  from=${from:-$rank}
  iqa train "$stage" --config "configs/kfold/$upper$1.json" ${from:+--from "$from"} --resume
}
# Waits for both lanes; exits 1 naming the lane logs when either failed.
wait_lanes() {
  local rc=0
  wait "$1" || rc=1
  wait "$2" || rc=1
  [ $rc = 0 ] || { echo "kfold.sh: a lane failed; see runs/kfold/$recipe-lane-a.log and -lane-b.log" >&2; exit 1; }
}
mkdir -p runs/kfold
read -r -a ks <<< "$folds"
first=${ks[0]}
# Two lanes take every other fold (with LANES=1, one lane takes them all).
lane_of() {
  local i out=()
  for i in "${!ks[@]}"; do
    if [ "${LANES:-2}" = 1 ] || [ $((i % 2)) = "$1" ]; then out+=("${ks[$i]}"); fi
  done
  echo "${out[@]}"
}
# A lane: each of its folds' head step (two-step recipes; the first fold's runs before the lanes),
# then its last step.
lane() {
  local k
  for k in $1; do
    if [ -n "$head" ] && [ "$k" != "$first" ]; then head_step "$k" 1 || return 1; fi
    upper_step "$k" || return 1
  done
}
# The first fold's head step alone first: it caches the crops every later fold trains on (the
# first fold's validation images' training crops) with both cores.
if [ -n "$head" ]; then head_step "$first" 2 > "runs/kfold/$head$first.log" 2>&1; fi
if [ "${LANES:-2}" = 1 ]; then
  lane "$(lane_of 0)" > "runs/kfold/$recipe-lane.log" 2>&1
else
  lane "$(lane_of 0)" > "runs/kfold/$recipe-lane-a.log" 2>&1 &
  a=$!
  lane "$(lane_of 1)" > "runs/kfold/$recipe-lane-b.log" 2>&1 &
  b=$!
  wait_lanes $a $b
fi
