package io.longctx.policy.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.longctx.policy.PolicyErrors;

/**
 * Resolves a device id string to a DJL {@link Device}: {@code cpu}; {@code gpu} (GPU 0); {@code gpu:N},
 * {@code cuda:N} or a bare index {@code N} (as Spark's task resources report GPU addresses); {@code auto} (GPU 0
 * when the engine sees one, else CPU). Asking for a GPU where none is visible is an error, not a silent CPU run;
 * {@code auto} on a machine without a GPU prints {@value NoGpuNotice#LINE} once (see {@link NoGpuNotice}).
 */
public final class Devices {
  private Devices() {}

  public static Device resolve(String id) {
    String s = id == null ? "auto" : id.trim().toLowerCase(java.util.Locale.ROOT);
    NoGpuNotice.quietCudaProbe();
    int gpus = Engine.getInstance().getGpuCount();
    if (s.equals("cpu")) {
      return Device.cpu();
    }
    if (s.equals("auto")) {
      if (gpus == 0) {
        NoGpuNotice.announceCpu();
      }
      return gpus > 0 ? Device.gpu(0) : Device.cpu();
    }
    int index;
    if (s.equals("gpu") || s.equals("cuda")) {
      index = 0;
    } else {
      String digits = s.startsWith("gpu:") ? s.substring(4) : s.startsWith("cuda:") ? s.substring(5) : s;
      try {
        index = Integer.parseInt(digits);
      } catch (NumberFormatException e) {
        throw PolicyErrors.unknownDevice(id, "not a device name");
      }
    }
    if (index < 0 || index >= gpus) {
      throw PolicyErrors.unknownDevice(id, "GPU " + index + " requested but the engine sees " + gpus + " GPU(s)");
    }
    return Device.gpu(index);
  }

  /**
   * Sets the number of CPU threads PyTorch uses inside one op ({@code n <= 0} leaves the engine default, one per
   * available core). On a machine shared with other busy processes, 1 thread avoids the OpenMP barrier stalls
   * that make small matrix products many times slower; on an idle machine, one thread per core is fastest.
   */
  public static void setCpuThreads(int n) {
    if (n > 0) {
      Engine.getInstance(); // loads the native library
      ai.djl.pytorch.jni.JniUtils.setNumThreads(n);
    }
  }

  /** PyTorch's current intra-op CPU thread count. */
  public static int cpuThreads() {
    Engine.getInstance();
    return ai.djl.pytorch.jni.JniUtils.getNumThreads();
  }
}
