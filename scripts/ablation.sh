#!/usr/bin/env bash
# The ablation of docs/training.md: every run uses the same CLIVE validation split (seed 2017).
# Run scripts/train-default-model.sh first: it trains stage 1 and the default's head and upper-block
# steps (configs/mobilenetv2-ml/finetune-head-12crops.json, finetune-upper-12crops-10ep.json).
# Reads the training data folder ($IQA_ZOO_DATA, else ./data; see docs/training.md).
set -euo pipefail
cd "$(dirname "$0")/.."
# The frozen-backbone head on 8 crops that versions 0.1.0-0.3.0 started from, and 0.3.0's third step.
npx iqa train finetune --config configs/mobilenetv2-ml/finetune.json --from runs/mobilenetv2-ml/rank/best
npx iqa train finetune --config configs/mobilenetv2-ml/finetune-upper-12crops.json --from runs/mobilenetv2-ml/finetune-ranked/best
npx iqa train finetune --config configs/ablation/ml-frozen-no-rank.json
npx iqa train rank --config configs/ablation/sl-rank.json
npx iqa train finetune --config configs/ablation/sl-frozen-ranked.json --from runs/ablation/sl-rank/best
npx iqa train finetune --config configs/ablation/sl-frozen-no-rank.json
npx iqa train finetune --config configs/ablation/ml-upper-no-rank.json
npx iqa train finetune --config configs/mobilenetv2-ml/finetune-upper-30ep.json
npx iqa train finetune --config configs/ablation/upper-30ep-seed8.json
npx iqa train finetune --config configs/mobilenetv2-ml/finetune-upper-ranked.json --from runs/mobilenetv2-ml/rank/best
npx iqa train finetune --config configs/mobilenetv2-ml/finetune-upper-full-ranked.json --from runs/mobilenetv2-ml/rank/best
npx iqa train finetune --config configs/ablation/upper-mos-rank.json  # the measured run was stopped after epochs 3 and 6 and resumed (--resume)
npx iqa train finetune --config configs/ablation/upper-from-frozen.json --from runs/ablation/ml-frozen-no-rank/best
npx iqa train finetune --config configs/ablation/upper-ranked-refit.json --from runs/mobilenetv2-ml/rank/best
npx iqa train finetune --config configs/ablation/upper-from-ranked-frozen.json --from runs/mobilenetv2-ml/finetune-ranked/best
npx iqa train finetune --config configs/mobilenetv2-ml/finetune-upper-two-stage.json --from runs/mobilenetv2-ml/finetune-ranked/best
npx iqa train finetune --config configs/ablation/upper-from-ranked-frozen-seed8.json --from runs/mobilenetv2-ml/finetune-ranked/best
npx iqa train finetune --config configs/mobilenetv2-ml/finetune-upper-6ep.json --from runs/mobilenetv2-ml/finetune-ranked/best  # version 0.2.0's third step (4 crops)
npx iqa train finetune --config configs/ablation/upper-6ep-b12.json --from runs/mobilenetv2-ml/finetune-ranked/best --feature-workers 1
npx iqa train finetune --config configs/ablation/upper-6ep-seed8.json --from runs/mobilenetv2-ml/finetune-ranked/best --feature-workers 1
npx iqa train finetune --config configs/ablation/upper-6ep-12crops-seed8.json --from runs/mobilenetv2-ml/finetune-ranked/best --feature-workers 1
npx iqa train finetune --config configs/ablation/upper-6ep-12crops-seed9.json --from runs/mobilenetv2-ml/finetune-ranked/best --feature-workers 1
npx iqa train finetune --config configs/ablation/upper-6ep-seed9.json --from runs/mobilenetv2-ml/finetune-ranked/best --feature-workers 1
npx iqa train finetune --config configs/ablation/upper-18ep-4crops.json --from runs/mobilenetv2-ml/finetune-ranked/best --feature-workers 1  # 4 crops, the 12-crop run's number of steps
npx iqa train finetune --config configs/ablation/head-12crops-seed8.json --from runs/mobilenetv2-ml/rank/best
npx iqa train finetune --config configs/ablation/upper-10ep-12crops-seed8.json --from runs/ablation/head-12crops-seed8/best
npx iqa train finetune --config configs/ablation/upper-10ep-12crops-swa5.json --from runs/mobilenetv2-ml/finetune-head-12crops/best
npx iqa train finetune --config configs/ablation/head-12crops-imageloss.json --from runs/mobilenetv2-ml/rank/best
npx iqa train finetune --config configs/ablation/head-12crops-imageloss-seed8.json --from runs/mobilenetv2-ml/rank/best
npx iqa train finetune --config configs/ablation/head-12crops-imageloss4.json --from runs/mobilenetv2-ml/rank/best
npx iqa train finetune --config configs/ablation/head-12crops-imageloss4-seed8.json --from runs/mobilenetv2-ml/rank/best
npx iqa train finetune --config configs/ablation/upper-10ep-12crops-imageloss.json --from runs/ablation/head-12crops-imageloss/best  # the measured run was stopped after epoch 6
npx iqa train finetune --config configs/ablation/upper-10ep-12crops-imageloss-seed8.json --from runs/ablation/head-12crops-imageloss-seed8/best  # the measured run was stopped after epoch 5
npx iqa train finetune --config configs/ablation/upper-10ep-12crops-imageloss4.json --from runs/ablation/head-12crops-imageloss4/best
npx iqa train finetune --config configs/ablation/upper-10ep-12crops-imageloss4-seed8.json --from runs/ablation/head-12crops-imageloss4-seed8/best
npx iqa train finetune --config configs/ablation/upper-10ep-from-imageloss-head.json --from runs/ablation/head-12crops-imageloss/best  # the measured run was stopped after epoch 2
npx iqa train finetune --config configs/ablation/upper-10ep-from-imageloss-head-seed8.json --from runs/ablation/head-12crops-imageloss-seed8/best  # the measured run was stopped after epoch 3
npx iqa train finetune --config configs/ablation/upper-10ep-from-imageloss4-head.json --from runs/ablation/head-12crops-imageloss4/best
npx iqa train finetune --config configs/ablation/upper-10ep-from-imageloss4-head-seed8.json --from runs/ablation/head-12crops-imageloss4-seed8/best
npx iqa train finetune --config configs/ablation/head-12crops-imageloss4-seed9.json --from runs/mobilenetv2-ml/rank/best
npx iqa train finetune --config configs/ablation/upper-10ep-from-imageloss4-head-seed9.json --from runs/ablation/head-12crops-imageloss4-seed9/best
npx iqa train finetune --config configs/ablation/head-12crops-imageloss4-norank.json
npx iqa train finetune --config configs/ablation/head-12crops-imageloss4-hidden256.json  # a hidden layer cannot start from the linear stage-1 head
npx iqa train finetune --config configs/ablation/head-12crops-seed9.json --from runs/mobilenetv2-ml/rank/best
npx iqa train finetune --config configs/ablation/upper-10ep-12crops-seed9.json --from runs/ablation/head-12crops-seed9/best
npx iqa train finetune --config configs/ablation/head-imageloss-on-upper.json --from runs/mobilenetv2-ml/finetune-upper-12crops-10ep/best
npx iqa train rank --config configs/mobilenetv2-ml/rank-upper.json  # stopped after 3 of 8 epochs in the measured run
npx iqa train finetune --config configs/mobilenetv2-ml/finetune-upper-rank-upper.json --from runs/mobilenetv2-ml/rank-upper/best
npx iqa train finetune --config configs/inceptionv3-ml/finetune-full.json
npx iqa train finetune --config configs/ablation/inceptionv3-ml-full-wd5e-3.json
node scripts/ablation-table.mjs
