#!/usr/bin/env bash
# Five-fold cross-validation of a zoo model's recipe on CLIVE: the split of splitSeed 2017 cut into
# 5 folds; fold 0 is the zoo model's own run, folds 1-4 are configs/kfold/. The recipes (stage-1
# checkpoint, one or two training steps, fold 0's runs) are in scripts/kfold/recipes.json.
# Every fold starts from the recipe's stage-1 checkpoint (or from scratch: nima from the ImageNet
# backbone, cnniqa from random weights). In a two-step recipe each fold's head step fills the
# feature cache its upper-block step reads. Then: node scripts/kfold-table.mjs RECIPE and
# scripts/kfold-pooled.sh RECIPE.
# Usage: scripts/kfold.sh [RECIPE]   RECIPE (default rank-task), one of:
#   (node scripts/kfold/recipe.mjs --list prints them with their descriptions)
#   rank-task  0.5.0's recipe      rank-grey  0.6.0's (the default model's)     mos-only  0.4.0's
#   nima       nima-mobilenetv2-clive's                                          cnniqa    cnniqa-clive's
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
if [ -z "$head" ]; then
  # One step: folds 1 and 3 in one lane, 2 and 4 in the other.
  if [ "${LANES:-2}" = 1 ]; then
    ( for k in 1 2 3 4; do upper_step $k; done ) > "runs/kfold/$recipe-lane.log" 2>&1
  else
    ( upper_step 1 && upper_step 3 ) > "runs/kfold/$recipe-lane-a.log" 2>&1 &
    a=$!
    ( upper_step 2 && upper_step 4 ) > "runs/kfold/$recipe-lane-b.log" 2>&1 &
    b=$!
    wait_lanes $a $b
  fi
  exit 0
fi
# Fold 1's head step alone first: it caches the crops every later fold trains on (fold 0's
# validation images' 12 training crops) with both cores.
head_step 1 2 > "runs/kfold/$head"1.log 2>&1
if [ "${LANES:-2}" = 1 ]; then
  ( upper_step 1 && for k in 2 3 4; do head_step $k 1 && upper_step $k; done ) > "runs/kfold/$recipe-lane.log" 2>&1
else
  ( upper_step 1 && head_step 3 1 && upper_step 3 ) > "runs/kfold/$recipe-lane-a.log" 2>&1 &
  a=$!
  ( head_step 2 1 && head_step 4 1 && upper_step 2 && upper_step 4 ) > "runs/kfold/$recipe-lane-b.log" 2>&1 &
  b=$!
  wait_lanes $a $b
fi
