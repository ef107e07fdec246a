package io.longctx.policy.train.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of this process from {@code /proc/self/status} (Linux). Native tensor memory of the CPU engine
 * is not on the Java heap, so RSS is what shows it. The peak (VmHWM) is reset through {@code /proc/self/clear_refs}.
 */
public final class ProcessMemory {
  private ProcessMemory() {}

  /** Resets the peak to the current resident size and returns that size in bytes (-1 where unsupported). */
  public static long resetPeak() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      return -1;
    }
    return field("VmRSS:");
  }

  /** Peak resident size since the last reset, in bytes (-1 where unsupported). */
  public static long peakResident() {
    return field("VmHWM:");
  }

  /** Current resident size in bytes (-1 where unsupported). */
  public static long resident() {
    return field("VmRSS:");
  }

  private static long field(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
