#!/usr/bin/env bash
# Reproduce the reference models whose weights are committed under src/trigq/zoo/weights/.
# Usage: bash scripts/train_reference.sh [OUT_DIR]   (default runs/reference; a GPU is used if present)
# The seven runs are independent and run in parallel; on a 2-core CPU expect hours, on one GPU ~15 min.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-runs/reference}
TRIGQ=${TRIGQ:-.venv/bin/trigq}
CFG=src/trigq/zoo/configs
mkdir -p "$OUT/data" "$OUT/logs"
[ -f "$OUT/data/trigger.h5" ] || $TRIGQ simulate atlas-rpc --sample mixed --events 400000 --seed 101 --out "$OUT/data/trigger.h5"
[ -f "$OUT/data/vertexing.h5" ] || $TRIGQ simulate atlas-rpc --sample dark-photon --events 200000 --seed 202 --out "$OUT/data/vertexing.h5"
[ -f "$OUT/data/jets.h5" ] || $TRIGQ simulate jets --events 20000 --seed 1 --out "$OUT/data/jets.h5"
pids=()
for name in l0-trigger-ternary l0-trigger-float-twin l0-trigger-float l0-vertexing-float l0-vertexing-ternary \
    jet-cnn-float-twin jet-cnn-int4; do
    case $name in l0-trigger*) data=trigger.h5 ;; jet-cnn*) data=jets.h5 ;; *) data=vertexing.h5 ;; esac
    model=${name%%-float*}; model=${model%-ternary}; model=${model%-int4}
    resume=(); [ -f "$OUT/$name/last.pt" ] && resume=(--resume)
    $TRIGQ train "$model" --config "$CFG/$name.yaml" --data "$OUT/data/$data" --out "$OUT/$name" \
        --no-progress --json "${resume[@]}" > "$OUT/logs/$name.log" 2>&1 &
    pids+=($!)
done
rc=0
for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
exit $rc
