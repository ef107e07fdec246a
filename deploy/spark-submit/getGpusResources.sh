#!/usr/bin/env bash
# GPU discovery script for Spark resource scheduling (spark.{driver,executor}.resource.gpu.discoveryScript).
# Prints the GPUs this executor may use as {"name": "gpu", "addresses": ["0", "1", ...]}.
# Honours CUDA_VISIBLE_DEVICES when the cluster manager already narrowed the devices (YARN / Kubernetes).
set -euo pipefail
if [[ -n "${CUDA_VISIBLE_DEVICES:-}" ]]; then
  ADDRS=$(echo "$CUDA_VISIBLE_DEVICES" | tr ',' '\n' | sed 's/.*/"&"/' | paste -sd, -)
else
  ADDRS=$(nvidia-smi --query-gpu=index --format=csv,noheader | sed 's/ //g; s/.*/"&"/' | paste -sd, -)
fi
echo "{\"name\": \"gpu\", \"addresses\": [${ADDRS}]}"
