#!/usr/bin/env bash
# Kubernetes with the NVIDIA device plugin: Spark asks for `nvidia.com/gpu` per executor pod via the vendor
# setting; the image must contain the JDK 17, Spark 4.2 and the NVIDIA container runtime.
# Usage: K8S_MASTER=k8s://https://api.cluster:6443 IMAGE=registry/longctx-spark:4.2.0 COMMAND="eval" \
#        deploy/spark-submit/kubernetes.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
K8S_MASTER="${K8S_MASTER:?set K8S_MASTER=k8s://https://<api-server>:6443}"
IMAGE="${IMAGE:?set IMAGE to a Spark 4.2 image with CUDA}"
exec spark-submit \
  --master "$K8S_MASTER" \
  --deploy-mode cluster \
  --name "longctx-${COMMAND%% *}" \
  --class "$MAIN" \
  --conf spark.kubernetes.container.image="$IMAGE" \
  --conf spark.kubernetes.namespace="${NAMESPACE:-ml}" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName="${SERVICE_ACCOUNT:-spark}" \
  --conf spark.executor.instances="${EXECUTORS:-4}" \
  --conf spark.executor.memory=48g \
  --conf spark.executor.cores=8 \
  --conf spark.executor.resource.gpu.vendor=nvidia.com \
  --conf spark.kubernetes.executor.podTemplateFile="$(dirname "${BASH_SOURCE[0]}")/gpu-executor-pod.yaml" \
  "${COMMON_CONF[@]}" \
  "${GPU_CONF[@]}" \
  "local:///opt/longctx/longctx-rl-cluster.jar" "${APP_ARGS[@]}"
