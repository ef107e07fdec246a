package io.longctx.policy.model;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * One quiet line instead of DJL's CUDA probe warnings on a machine without an NVIDIA GPU. Where a CUDA runtime
 * library is installed but no GPU driver is, DJL's engine start logs {@code WARN CudaUtils: Failed to detect GPU
 * count: CUDA driver version is insufficient ...} (twice). When the machine has no NVIDIA device at all, that
 * probe's warnings say nothing a user can act on: {@link #quietCudaProbe()} silences them, and placing a model
 * prints {@value #LINE} once instead. A machine with an NVIDIA device keeps every warning, so real GPU problems (an
 * old driver, a broken runtime) still show.
 */
public final class NoGpuNotice {
  /** The line printed (stderr, once per JVM) when a model runs on the CPU because no GPU exists. */
  public static final String LINE = "no GPU found: using the CPU";

  static final String CUDA_PROBE_LOGGER = "ai.djl.util.cuda.CudaUtils";

  /** Only Linux is checked; elsewhere the probe keeps its warnings. */
  private static final boolean NO_NVIDIA_DEVICE = System.getProperty("os.name", "").startsWith("Linux")
      && !nvidiaDevicePresent(Path.of("/dev"), Path.of("/proc/driver/nvidia/gpus"));
  private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();

  private NoGpuNotice() {}

  /**
   * Silences DJL's CUDA probe logger (below ERROR) when this machine has no NVIDIA device; call it before the DJL
   * engine starts. Cheap and idempotent.
   */
  public static void quietCudaProbe() {
    quietCudaProbe(NO_NVIDIA_DEVICE);
  }

  static void quietCudaProbe(boolean noNvidiaDevice) {
    if (!noNvidiaDevice) {
      return;
    }
    try {
      org.apache.logging.log4j.Logger probe = org.apache.logging.log4j.LogManager.getLogger(CUDA_PROBE_LOGGER);
      if (probe.isWarnEnabled()) {
        org.apache.logging.log4j.core.config.Configurator.setLevel(CUDA_PROBE_LOGGER,
            org.apache.logging.log4j.Level.ERROR);
      }
    } catch (LinkageError | ClassCastException e) {
      // another logging backend: its own configuration decides what the probe prints
    }
  }

  /** Prints {@value #LINE} to stderr, once per JVM. */
  static void announceCpu() {
    announceCpu(System.err);
  }

  static void announceCpu(PrintStream err) {
    if (ANNOUNCED.compareAndSet(false, true)) {
      err.println(LINE);
    }
  }

  /**
   * True when an NVIDIA device node ({@code /dev/nvidia0}, ...) or a GPU entry of the NVIDIA kernel driver exists:
   * the machine has a GPU, whether or not CUDA can use it.
   */
  static boolean nvidiaDevicePresent(Path dev, Path driverGpus) {
    return any(dev, "nvidia[0-9]+") || any(driverGpus, ".+");
  }

  private static boolean any(Path dir, String namePattern) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(p -> p.getFileName().toString().matches(namePattern));
    } catch (IOException | SecurityException e) {
      return true; // cannot tell: keep the probe's warnings
    }
  }
}
