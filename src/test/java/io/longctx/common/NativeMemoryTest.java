package io.longctx.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The allocator settings are written in several places that cannot share code (a shell launcher, the Maven test
 * JVM, spark-submit scripts, a Databricks bundle): every one must say what {@link NativeMemory} says.
 */
class NativeMemoryTest {
  @Test
  void theTestJvmRunsWithTheTunables() {
    NativeMemory.GLIBC_TUNABLES.forEach((name, value) -> assertThat(System.getenv(name)).as(name).isEqualTo(value));
    assertThat(NativeMemory.describeCurrent()).isNotEqualTo("glibc defaults");
  }

  @Test
  void executorsGetTheTunablesThroughSparkExecutorEnv() {
    assertThat(NativeMemory.executorEnv())
        .containsEntry("spark.executorEnv.MALLOC_MMAP_THRESHOLD_", "33554432")
        .hasSize(NativeMemory.GLIBC_TUNABLES.size());
  }

  @Test
  void launcherScriptsBundleAndPomAgree() throws IOException {
    String launcher = Files.readString(Path.of("bin/longctx"));
    String submit = Files.readString(Path.of("deploy/spark-submit/common.sh"));
    String pom = Files.readString(Path.of("pom.xml"));
    for (Map.Entry<String, String> e : NativeMemory.GLIBC_TUNABLES.entrySet()) {
      String k = e.getKey();
      String v = e.getValue();
      assertThat(launcher).as("bin/longctx " + k).contains(k + "=\"${" + k + ":-" + v + "}\"");
      assertThat(submit).as("common.sh " + k).contains("spark.executorEnv." + k + "=" + v);
      assertThat(pom).as("pom.xml " + k).contains("<" + k + ">" + v + "</" + k + ">");
      for (String job : List.of("curate", "train", "eval")) {
        String yml = Files.readString(Path.of("deploy/databricks/resources/" + job + ".job.yml"));
        assertThat(yml).as(job + ".job.yml " + k).contains(k + ": \"" + v + "\"");
      }
    }
  }
}
