#!/usr/bin/env bash
# Spark standalone cluster with GPU workers. Each worker must advertise its GPUs, e.g. in spark-env.sh:
#   SPARK_WORKER_OPTS="-Dspark.worker.resource.gpu.amount=4 -Dspark.worker.resource.gpu.discoveryScript=/opt/longctx/getGpusResources.sh"
# Usage: MASTER=spark://head:7077 COMMAND="eval --k 4" deploy/spark-submit/standalone.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
MASTER="${MASTER:-spark://localhost:7077}"
exec spark-submit \
  --master "$MASTER" \
  --deploy-mode client \
  --class "$MAIN" \
  --driver-memory 16g \
  --executor-memory 48g \
  --executor-cores 8 \
  --total-executor-cores "${TOTAL_CORES:-32}" \
  "${COMMON_CONF[@]}" \
  "${GPU_CONF[@]}" \
  "$JAR" "${APP_ARGS[@]}"
