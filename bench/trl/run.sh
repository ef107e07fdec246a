#!/usr/bin/env bash
# Head to head with TRL (issue #13 item 6): trl's GRPOTrainer (DAPO loss) and `bin/longctx train` from the same SFT
# checkpoint, on the same phase prompts, with the same step shape (16 prompts x G 8, 2 updates, T 0.7, top-p 0.95,
# clip 0.2 / 0.28, no KL), run back to back; then both final checkpoints scored by the project's `eval` on the
# held-out set. Prints seconds per RL step, the ratio, and held-out accuracy per bucket.
#   bench/trl/run.sh --warehouse WH [--steps 3] [--min-tokens 2048] [--max-tokens 4096] [--threads 2]
# WH is a warehouse that `bin/longctx run` filled (curated samples, the SFT checkpoint, synth/heldout.jsonl).
# Installs torch + transformers + trl with pip into $LONGCTX_PEER_VENV (default target/peer-venv) on first use.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WH=""; STEPS=3; LO=2048; HI=4096; THREADS=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --warehouse) WH="$(cd "$2" && pwd)"; shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    --min-tokens) LO="$2"; shift 2 ;;
    --max-tokens) HI="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    *) echo "usage: bench/trl/run.sh --warehouse WH [--steps N] [--min-tokens N] [--max-tokens N] [--threads N]" >&2
       exit 2 ;;
  esac
done
[[ -n "$WH" ]] || { echo "bench/trl/run.sh: --warehouse is required (a warehouse filled by bin/longctx run)" >&2; exit 2; }
SFT="$(ls -d "$WH"/checkpoint-files/*-sft/epoch-* 2>/dev/null | sort | tail -1)"
[[ -n "$SFT" ]] || { echo "bench/trl/run.sh: no SFT checkpoint under $WH/checkpoint-files/*-sft/" >&2; exit 2; }
VENV="${LONGCTX_PEER_VENV:-$ROOT/target/peer-venv}"
if ! "$VENV/bin/python" -c "import torch, transformers, trl, datasets, pyarrow" 2>/dev/null; then
  echo "h2h: installing torch + transformers + trl into $VENV ..." >&2
  [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q torch transformers trl datasets pyarrow >&2
fi
OUT="${LONGCTX_H2H_OUT:-$ROOT/target/trl-h2h}"
rm -rf "$OUT"; mkdir -p "$OUT"
cd "$ROOT"
RUN="h2h-engine-$(date +%s)"
echo "h2h: SFT checkpoint $SFT; prompts ($LO, $HI]; $STEPS RL steps each; $THREADS threads" | tee "$OUT/setup.txt" >&2
echo "h2h: load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/setup.txt" >&2

# 1. TRL
OMP_NUM_THREADS="$THREADS" "$VENV/bin/python" bench/trl/trl_grpo.py --warehouse "$WH" --model "$SFT" \
  --out "$OUT/trl" --steps "$STEPS" --min-tokens "$LO" --max-tokens "$HI" --threads "$THREADS" 2> "$OUT/trl.log" \
  || { tail -30 "$OUT/trl.log" >&2; exit 1; }
echo "h2h: load average after TRL: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/setup.txt" >&2

# 2. the engine: one phase over the same prompts, the embedded default's RL settings otherwise
start=$(date +%s)
bin/longctx train --warehouse "$WH" --from "$SFT" --set "train.run=$RUN" --set "policy.cpu-threads=0" \
  --set "curriculum.phases=[{name: h2h, min-input-tokens: $LO, max-input-tokens: $HI, max-response-tokens: 48, steps: $STEPS}]" \
  > "$OUT/engine.out" 2> "$OUT/engine.log" || { tail -30 "$OUT/engine.log" >&2; exit 1; }
echo "h2h: engine wall $(( $(date +%s) - start )) s (JVM and Spark start included)" | tee -a "$OUT/setup.txt" >&2
echo "h2h: load average after the engine: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/setup.txt" >&2
ENGINE_CKPT="$(ls -d "$WH/checkpoint-files/$RUN"/step-* | sort | tail -1)"

# 3. both checkpoints scored by the project's eval (same held-out set, decoding and caps)
for side in trl engine; do
  ckpt="$OUT/trl/checkpoint"; [[ "$side" == engine ]] && ckpt="$ENGINE_CKPT"
  bin/longctx eval --warehouse "$WH" --checkpoint "$ckpt" --run "$RUN-eval-$side" --json \
    > "$OUT/eval-$side.jsonl" 2> "$OUT/eval-$side.log" || { tail -30 "$OUT/eval-$side.log" >&2; exit 1; }
done
"$VENV/bin/python" bench/trl/compare.py --warehouse "$WH" --run "$RUN" --out "$OUT" | tee "$OUT/table.md"
