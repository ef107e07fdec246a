package io.longctx.common;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The native-allocator settings every JVM that runs tensors should start with. PyTorch's CPU allocator hands
 * every tensor to the C library; with glibc's defaults each large tensor is mapped on allocation and unmapped on
 * free, so every new page faults and a {@code bin/longctx run} spent 31% of its CPU time in the kernel. Keeping
 * freed memory in the process removes most of that churn.
 *
 * <p>Preferred: a caching allocator preloaded into the JVM (tcmalloc, or jemalloc with decay off) where the
 * machine has one; {@code bin/longctx} and the test build pick it up. Everywhere (and as the fallback) the glibc
 * tunables of {@link #GLIBC_TUNABLES} are set: the launcher, the test JVM, local Spark, and cluster executors
 * through {@code spark.executorEnv} ({@link #executorEnv()}). Environment variables must be set before a process
 * starts, so a running JVM can only pass them on to the processes it launches.
 */
public final class NativeMemory {
  /**
   * glibc malloc tunables: allocations up to 32 MiB (glibc's largest allowed threshold) come from the heap rather
   * than fresh mappings, freed memory is not trimmed back below 4 GiB, and the heap grows in 256 MiB steps.
   */
  public static final Map<String, String> GLIBC_TUNABLES = tunables();

  private NativeMemory() {}

  private static Map<String, String> tunables() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("MALLOC_MMAP_THRESHOLD_", "33554432");
    m.put("MALLOC_TRIM_THRESHOLD_", "4294967296");
    m.put("MALLOC_TOP_PAD_", "268435456");
    return Map.copyOf(m);
  }

  /** {@code spark.executorEnv.<NAME>} settings that give executors the tunables. */
  public static Map<String, String> executorEnv() {
    Map<String, String> m = new LinkedHashMap<>();
    GLIBC_TUNABLES.forEach((k, v) -> m.put("spark.executorEnv." + k, v));
    return m;
  }

  /**
   * A one-line description of this process's allocator setting (for benchmark headers and logs): the preloaded
   * library, the glibc tunables, or {@code "glibc defaults"}.
   */
  public static String describeCurrent() {
    String preload = System.getenv("LD_PRELOAD");
    if (preload != null && (preload.contains("tcmalloc") || preload.contains("jemalloc"))) {
      return "preloaded " + preload.substring(preload.lastIndexOf('/') + 1);
    }
    String mmap = System.getenv("MALLOC_MMAP_THRESHOLD_");
    if (mmap != null) {
      return "glibc, mmap threshold " + mmap + ", trim threshold " + System.getenv("MALLOC_TRIM_THRESHOLD_");
    }
    return "glibc defaults";
  }
}
