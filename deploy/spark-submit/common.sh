#!/usr/bin/env bash
# Shared settings for the spark-submit examples. Source it; override any variable in the environment.
#   JAR            the shaded jar built with:  mvn -B -Pcluster -DskipTests package
#   CONF           the pipeline config (YAML) every command reads; must be readable on the driver
#   WAREHOUSE      root of the Delta tables (hdfs://, s3a://, abfss:// or a shared file system path)
#   COMMAND        longctx command and its options, e.g. "eval --k 4" (default: "eval")
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
JAR="${JAR:-$ROOT/target/longctx-rl-cluster.jar}"
CONF="${CONF:-$ROOT/deploy/conf/cluster.yaml}"
WAREHOUSE="${WAREHOUSE:-hdfs:///longctx/warehouse}"
COMMAND="${COMMAND:-eval}"
MAIN=io.longctx.jobs.cli.LongctxCli
DELTA_PACKAGES="${DELTA_PACKAGES:-io.delta:delta-spark_2.13:4.4.0}"

# Delta Lake and the settings every longctx job expects (the jar leaves Spark and Delta to the cluster).
COMMON_CONF=(
  --packages "$DELTA_PACKAGES"
  --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension
  --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog
  --conf spark.executorEnv.OPT_OUT_TRACKING=true
  --conf spark.executorEnv.DJL_CACHE_DIR=/tmp/djl-cache
  # native memory without churn (io.longctx.common.NativeMemory; bin/longctx does the same for local runs):
  # executors keep freed tensor memory instead of mapping every large tensor anew. Where the nodes have
  # tcmalloc, also: --conf spark.executorEnv.LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
  --conf spark.executorEnv.MALLOC_MMAP_THRESHOLD_=33554432
  --conf spark.executorEnv.MALLOC_TRIM_THRESHOLD_=4294967296
  --conf spark.executorEnv.MALLOC_TOP_PAD_=268435456
  --conf "spark.executor.extraJavaOptions=-Dai.djl.offline=true"
  --conf "spark.driver.extraJavaOptions=-Dai.djl.offline=true"
)

# Rollout / evaluation executors: one GPU per executor and per task, so each task owns one device and the
# policy loader picks it from TaskContext.resources().
GPU_CONF=(
  --conf spark.executor.resource.gpu.amount=1
  --conf spark.task.resource.gpu.amount=1
  --conf spark.executor.resource.gpu.discoveryScript=./getGpusResources.sh
  --files "$HERE/getGpusResources.sh"
)

# The command line of the longctx CLI after the jar.
# shellcheck disable=SC2206
APP_ARGS=($COMMAND --conf "$CONF" --warehouse "$WAREHOUSE")
