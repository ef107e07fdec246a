package io.longctx.policy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.longctx.cluster.ChildJvm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a machine without an NVIDIA GPU a command that runs a model prints one quiet line instead of DJL's CUDA probe
 * warnings; where a GPU exists nothing is silenced.
 */
class NoGpuNoticeTest {
  @TempDir Path dir;

  @Test
  void aGpuIsSeenInDeviceNodesOrTheDriversGpuList() throws Exception {
    Path dev = Files.createDirectories(dir.resolve("dev"));
    Path gpus = dir.resolve("proc-driver-nvidia-gpus");
    Files.createFile(dev.resolve("nvidiactl")); // the control node alone: a driver but no GPU
    assertThat(NoGpuNotice.nvidiaDevicePresent(dev, gpus)).isFalse();
    Files.createFile(dev.resolve("nvidia0"));
    assertThat(NoGpuNotice.nvidiaDevicePresent(dev, gpus)).isTrue();
    Files.delete(dev.resolve("nvidia0"));
    Files.createDirectories(gpus.resolve("0000:00:1e.0"));
    assertThat(NoGpuNotice.nvidiaDevicePresent(dev, gpus)).isTrue();
  }

  @Test
  void theProbeKeepsItsWarningsWhereAGpuExists() {
    Configurator.setLevel(NoGpuNotice.CUDA_PROBE_LOGGER, Level.WARN);
    try {
      NoGpuNotice.quietCudaProbe(false);
      assertThat(LogManager.getLogger(NoGpuNotice.CUDA_PROBE_LOGGER).isWarnEnabled()).isTrue();
      assertThat(LogManager.getLogger(NoGpuNotice.CUDA_PROBE_LOGGER).isErrorEnabled()).isTrue();
      NoGpuNotice.quietCudaProbe(true);
      assertThat(LogManager.getLogger(NoGpuNotice.CUDA_PROBE_LOGGER).isWarnEnabled()).isFalse();
      assertThat(LogManager.getLogger(NoGpuNotice.CUDA_PROBE_LOGGER).isErrorEnabled()).isTrue();
    } finally {
      Configurator.setLevel(NoGpuNotice.CUDA_PROBE_LOGGER, Level.WARN);
    }
  }

  @Test
  void theLineIsPrintedOnce() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (PrintStream p = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      NoGpuNotice.announceCpu(p);
      NoGpuNotice.announceCpu(p);
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).isIn("", NoGpuNotice.LINE + System.lineSeparator());
  }

  /** A real command in a fresh JVM: one quiet line, no CudaUtils warning. */
  @Test
  void aCommandOnACpuMachinePrintsOneQuietLine() throws Exception {
    assumeFalse(NoGpuNotice.nvidiaDevicePresent(Path.of("/dev"), Path.of("/proc/driver/nvidia/gpus")),
        "this machine has an NVIDIA device");
    String log = ChildJvm.start("generate", "1g", "io.longctx.jobs.cli.LongctxCli",
            List.of("generate", "--warehouse", dir.resolve("w").toString(), "--prompt", "hi", "--max-new-tokens", "2",
                "--greedy"),
            Map.of("OPT_OUT_TRACKING", "true"), dir.resolve("generate.log"))
        .awaitSuccess(Duration.ofMinutes(3));
    List<String> lines = log.lines().toList();
    assertThat(lines).as(log).noneMatch(l -> l.contains("CudaUtils") || l.contains("CUDA driver"));
    assertThat(lines).as(log).filteredOn(NoGpuNotice.LINE::equals).hasSize(1);
    assertThat(lines).as(log).anyMatch(l -> l.startsWith("{\"output_ids\":"));
  }
}
