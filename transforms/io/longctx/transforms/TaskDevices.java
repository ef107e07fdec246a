package io.longctx.transforms;

import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * Where a model runs inside a Spark task: the GPU that Spark's resource scheduling assigned to the running task
 * ({@code spark.task.resource.gpu.amount}) unless the configuration says {@code cpu}; otherwise the configured
 * preference ({@code auto}, {@code gpu}, an index), resolved by the policy engine's {@code Devices}.
 */
public final class TaskDevices {
  private TaskDevices() {}

  /** The device id for a model loaded in the current task (or on the driver, outside any task). */
  public static String forTask(String configured) {
    if ("cpu".equals(configured)) {
      return configured;
    }
    TaskContext task = TaskContext.get();
    if (task != null) {
      Map<String, ResourceInformation> resources = task.resourcesJMap();
      ResourceInformation gpu = resources.get("gpu");
      if (gpu != null && gpu.addresses().length > 0) {
        return gpu.addresses()[0];
      }
    }
    return configured;
  }
}
