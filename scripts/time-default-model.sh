#!/usr/bin/env bash
# Times a first run of the default model's training (issue 5's 60-minute target): the same
# commands as scripts/train-default-model.sh, but with an empty feature cache and a scratch run
# folder (nothing in runs/ or models/ is touched). Prints each step's wall time and the total.
# Reads ../shared/data; run from the repository root after `npm install`.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-$(mktemp -d /tmp/iqa-time-default.XXXXXX)}
CACHE="$WORK/cache"
# step NAME OUTFILE COMMAND...: runs COMMAND with its stdout in OUTFILE, then prints its wall time.
step() {
  local name=$1 out=$2
  shift 2
  local t0=$SECONDS
  "$@" > "$out"
  echo "TIME $name $((SECONDS - t0)) s" | tee -a "$WORK/times.txt"
}
echo "scratch folder $WORK; load average $(cut -d' ' -f1-3 /proc/loadavg)"
T0=$SECONDS
step rank "$WORK/rank.json" npx iqa train rank --config configs/mobilenetv2-ml/rank.json --out "$WORK/rank" --cache "$CACHE"
step finetune "$WORK/finetune.json" npx iqa train finetune --config configs/mobilenetv2-ml/finetune.json --from "$WORK/rank/best" --out "$WORK/finetune" --cache "$CACHE"
step upper "$WORK/upper.json" npx iqa train finetune --config configs/mobilenetv2-ml/finetune-upper-12crops.json --from "$WORK/finetune/best" --out "$WORK/upper" --cache "$CACHE"
step export "$WORK/export.log" npx iqa export --from "$WORK/upper/best" --out "$WORK/model"
step eval "$WORK/eval.json" npx iqa eval --model "$WORK/model" --mos "$WORK/upper/val.csv" --json
cat "$WORK/eval.json"
echo "TIME total $((SECONDS - T0)) s; load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$WORK/times.txt"
