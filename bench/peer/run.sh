#!/usr/bin/env bash
# The engine against its peer, on this machine, back to back: `bin/longctx bench policy` and the same workloads
# on Hugging Face transformers (bench/peer/peer_bench.py), then engine / peer per workload as a Markdown table.
#   bench/peer/run.sh [--threads N] [--quick]
# Installs torch + transformers with pip into $LONGCTX_PEER_VENV (default target/peer-venv) on first use. The Java
# build and tests never need Python; this script is the only place that does.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
THREADS=1
QUICK=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) THREADS="$2"; shift 2 ;;
    --quick) QUICK="--quick"; shift ;;
    *) echo "usage: bench/peer/run.sh [--threads N] [--quick]" >&2; exit 2 ;;
  esac
done
VENV="${LONGCTX_PEER_VENV:-$ROOT/target/peer-venv}"
if ! "$VENV/bin/python" -c "import torch, transformers" 2>/dev/null; then
  echo "peer: installing torch + transformers into $VENV ..." >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q torch transformers >&2
fi
OUT="${LONGCTX_PEER_OUT:-$ROOT/target/peer-bench}"
mkdir -p "$OUT"
cd "$ROOT"
echo "peer: load average before: $(cut -d' ' -f1-3 /proc/loadavg); threads $THREADS" >&2
bin/longctx bench policy --threads "$THREADS" --skip-memory --long $QUICK > "$OUT/engine.jsonl"
OMP_NUM_THREADS="$THREADS" "$VENV/bin/python" bench/peer/peer_bench.py --threads "$THREADS" $QUICK \
  > "$OUT/peer.jsonl"
echo "peer: load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$VENV/bin/python" bench/peer/compare.py "$OUT/engine.jsonl" "$OUT/peer.jsonl" bench-model "$THREADS" \
  | tee "$OUT/table.md"
