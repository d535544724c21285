#!/usr/bin/env bash
# Five-fold cross-validation of the default model's stage 2 (0.4.0's recipe) on CLIVE: the split of
# splitSeed 2017 cut into 5 folds; fold 0 is the default model's own run
# (runs/mobilenetv2-ml/finetune-head-12crops, then finetune-upper-12crops-10ep), folds 1-4 are
# configs/kfold/. Every fold starts from the same stage-1 checkpoint (runs/mobilenetv2-ml/rank/best,
# made by scripts/train-default-model.sh). Two lanes share the 2 cores; each fold's head step fills
# the feature cache its upper-block step reads. Then: node scripts/kfold-table.mjs
set -euo pipefail
cd "$(dirname "$0")/.."
iqa() { node packages/runtime-node/dist/cli/main.js "$@"; }
head_step() { iqa train finetune --config "configs/kfold/head-fold$1.json" --from runs/mobilenetv2-ml/rank/best --feature-workers "$2"; }
upper_step() { iqa train finetune --config "configs/kfold/upper-fold$1.json" --from "runs/kfold/head-fold$1/best"; }
mkdir -p runs/kfold
# Fold 1's head step alone first: it caches the crops every later fold trains on (fold 0's
# validation images' 12 training crops) with both cores.
head_step 1 2 > runs/kfold/head-fold1.log 2>&1
( upper_step 1 && head_step 3 1 && upper_step 3 ) > runs/kfold/lane-a.log 2>&1 &
( head_step 2 1 && head_step 4 1 && upper_step 2 && upper_step 4 ) > runs/kfold/lane-b.log 2>&1 &
wait
