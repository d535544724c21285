#!/usr/bin/env bash
# Trains, exports and evaluates the zoo's default model, exactly as its card records: stage 1
# (ranking, head on the frozen backbone), the head on MOS, then the upper blocks and head on MOS.
# Reads ../shared/data (pristine/ and clive/); run from the repository root after `npm install`.
# Features are cached under .cache/features, so a second run (or --resume after a kill) is fast.
set -euo pipefail
cd "$(dirname "$0")/.."
ID=mobilenetv2-ml-clive
RESUME=${RESUME:+--resume}

time npx iqa train rank --config configs/mobilenetv2-ml/rank.json $RESUME
time npx iqa train finetune --config configs/mobilenetv2-ml/finetune.json --from runs/mobilenetv2-ml/rank/best $RESUME
time npx iqa train finetune --config configs/mobilenetv2-ml/finetune-upper-12crops.json --from runs/mobilenetv2-ml/finetune-ranked/best $RESUME
npx iqa export --from runs/mobilenetv2-ml/finetune-upper-12crops/best --out "models/$ID"
npx iqa eval --model "models/$ID" --mos runs/mobilenetv2-ml/finetune-upper-12crops/val.csv --json | tee "runs/mobilenetv2-ml/eval-onnx.json"
