#!/usr/bin/env bash
# Trains, exports and evaluates the zoo's default model, exactly as its card records: stage 1
# (ranking the 'wide' set's ladders, head on the frozen backbone, the ladders' rows cached at
# block_15_add), the head on MOS (frozen backbone, rows cached at block_15_add), then the upper
# blocks and head on MOS plus the ranking hinge on stage 1's ladders (multi-task), from cached rows.
# Reads the training data folder (pristine/ and clive/, see docs/training.md) named by $IQA_ZOO_DATA,
# else ./data, and checks it first (`iqa data check`); run from the repository root after `npm install`.
# Features are cached under .cache/features, so a second run (or RESUME=1 after a kill) is fast.
# Environment:
#   RESUME=1       continue killed runs from their last checkpoints (`--resume`).
#   SCRATCH=DIR    put the run folders, the feature cache and the exported model under DIR instead
#                  of runs/, .cache/ and models/ (scripts/time-default-model.sh times a first run so).
#   TIMES=FILE     also append each step's "TIME <step> <seconds> s" line to FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
ID=mobilenetv2-ml-clive
C=configs/mobilenetv2-ml
RESUME=${RESUME:+--resume}
if [ -n "${SCRATCH:-}" ]; then
  RANK=$SCRATCH/rank HEAD=$SCRATCH/head UPPER=$SCRATCH/upper MODEL=$SCRATCH/model EVAL=$SCRATCH/eval.json
  where() { echo "--out $1 --cache $SCRATCH/cache"; }
else
  RANK=runs/mobilenetv2-ml/rank-wide HEAD=runs/mobilenetv2-ml/finetune-head-12crops-wide
  UPPER=runs/mobilenetv2-ml/finetune-upper-rank-grey MODEL=models/$ID EVAL=runs/mobilenetv2-ml/eval-onnx.json
  where() { :; } # the configs' own "out" and "cache"
fi
# step NAME COMMAND...: runs COMMAND, then prints its wall time (on stderr, and to $TIMES).
step() {
  local name=$1 t0=$SECONDS
  shift
  "$@"
  echo "TIME $name $((SECONDS - t0)) s" | tee -a "${TIMES:-/dev/null}" >&2
}
# shellcheck disable=SC2046 # where() prints options to split into words
npx iqa data check # exits 1, saying what is missing, when the data folder is incomplete
step rank npx iqa train rank --config $C/rank-wide.json $(where "$RANK") $RESUME
# shellcheck disable=SC2046
step head npx iqa train finetune --config $C/finetune-head-12crops-wide.json --from "$RANK/best" $(where "$HEAD") $RESUME
# shellcheck disable=SC2046
step upper npx iqa train finetune --config $C/finetune-upper-rank-grey.json --from "$HEAD/best" $(where "$UPPER") $RESUME
step export npx iqa export --from "$UPPER/best" --out "$MODEL"
evaluate() { npx iqa eval --model "$MODEL" --mos "$UPPER/val.csv" --json > "$EVAL"; }
step eval evaluate
cat "$EVAL"
