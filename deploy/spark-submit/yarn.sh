#!/usr/bin/env bash
# YARN (3.1+ with GPU scheduling enabled: yarn.resource-types=yarn.io/gpu). Spark maps its `gpu` resource to
# YARN's yarn.io/gpu; the discovery script reads the devices YARN isolated for the container.
# Usage: COMMAND="train" WAREHOUSE=hdfs:///longctx/warehouse deploy/spark-submit/yarn.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
exec spark-submit \
  --master yarn \
  --deploy-mode cluster \
  --queue "${QUEUE:-ml}" \
  --class "$MAIN" \
  --driver-memory 16g \
  --executor-memory 48g \
  --executor-cores 8 \
  --num-executors "${EXECUTORS:-4}" \
  --conf spark.yarn.maxAppAttempts=1 \
  --conf spark.driver.resource.gpu.amount=1 \
  --conf spark.driver.resource.gpu.discoveryScript=./getGpusResources.sh \
  --files "$CONF" \
  "${COMMON_CONF[@]}" \
  "${GPU_CONF[@]}" \
  "$JAR" "${APP_ARGS[@]}"
