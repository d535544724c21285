#!/usr/bin/env bash
# Five-fold cross-validation of the default model's stage 2 on CLIVE: the split of splitSeed 2017
# cut into 5 folds; fold 0 is the default model's own run, folds 1-4 are configs/kfold/.
# Every fold starts from the same stage-1 checkpoint; each fold's head step fills the feature cache
# its upper-block step reads. Then: node scripts/kfold-table.mjs [RECIPE]
# Usage: scripts/kfold.sh [RECIPE]   RECIPE (default rank-task):
#   rank-task  0.5.0's recipe: stage 1 runs/mobilenetv2-ml/rank-wide/best (scripts/train-default-model.sh),
#              the 12-crop head step (configs/kfold/head-wide-foldK.json), then 10 epochs of the upper
#              blocks on MOS plus the ranking hinge (configs/kfold/upper-rank-task-foldK.json).
#   rank-grey  0.6.0's recipe: rank-task's stage 1 and head step, then the upper blocks with the ranking
#              hinge on the ladders plus their grey copies, 4 ladders per batch
#              (configs/kfold/upper-rank-grey-foldK.json).
#   mos-only   0.4.0's recipe: stage 1 runs/mobilenetv2-ml/rank/best, configs/kfold/head-foldK.json,
#              then configs/kfold/upper-foldK.json.
#   nima       nima-mobilenetv2-clive's recipe: no stage 1 (the ImageNet backbone), the head on the EMD
#              loss (configs/kfold/nima-head-foldK.json), then block 16, Conv_1 and the head
#              (configs/kfold/nima-upper-foldK.json); fold 0 is runs/nima/.
# The configs' data paths resolve against the training data folder ($IQA_ZOO_DATA, else ./data;
# docs/training.md, "Training data"); `iqa data check` says what it lacks.
# Environment: RANK=DIR overrides the stage-1 checkpoint; LANES=1 runs the folds one after another
# (default 2: two lanes share the cores; training on wasm uses one core a run).
set -euo pipefail
cd "$(dirname "$0")/.."
recipe=${1:-rank-task}
case "$recipe" in
  rank-task) rank=${RANK:-runs/mobilenetv2-ml/rank-wide/best} head=head-wide-fold upper=upper-rank-task-fold ;;
  rank-grey) rank=${RANK:-runs/mobilenetv2-ml/rank-wide/best} head=head-wide-fold upper=upper-rank-grey-fold ;;
  mos-only) rank=${RANK:-runs/mobilenetv2-ml/rank/best} head=head-fold upper=upper-fold ;;
  nima) rank=${RANK:-} head=nima-head-fold upper=nima-upper-fold ;;
  *) echo "kfold.sh: unknown recipe '$recipe' (expected rank-task, rank-grey, mos-only or nima)" >&2; exit 64 ;;
esac
iqa() { node packages/cli/bin/iqa.js "$@"; }
# An empty $rank (nima) starts the head step from the ImageNet backbone.
head_step() {
  iqa train finetune --config "configs/kfold/$head$1.json" ${rank:+--from "$rank"} --feature-workers "$2" --resume
}
upper_step() { iqa train finetune --config "configs/kfold/$upper$1.json" --from "runs/kfold/$head$1/best" --resume; }
mkdir -p runs/kfold
# Fold 1's head step alone first: it caches the crops every later fold trains on (fold 0's
# validation images' 12 training crops) with both cores.
head_step 1 2 > "runs/kfold/$head"1.log 2>&1
if [ "${LANES:-2}" = 1 ]; then
  ( upper_step 1 && for k in 2 3 4; do head_step $k 1 && upper_step $k; done ) > "runs/kfold/$recipe-lane.log" 2>&1
else
  ( upper_step 1 && head_step 3 1 && upper_step 3 ) > "runs/kfold/$recipe-lane-a.log" 2>&1 &
  ( head_step 2 1 && head_step 4 1 && upper_step 2 && upper_step 4 ) > "runs/kfold/$recipe-lane-b.log" 2>&1 &
  wait
fi
