package io.longctx.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two native-heavy stacks the project stands on work in the test JVM: Delta on Spark, and DJL PyTorch. */
class EnvironmentSmokeTest extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void deltaRoundTrip() {
    String path = dir.resolve("t").toString();
    spark().range(5).write().format("delta").save(path);
    assertThat(spark().read().format("delta").load(path).count()).isEqualTo(5);
  }

  @Test
  void djlPyTorchComputesOffline() {
    assertThat(Engine.getInstance().getEngineName()).isEqualTo("PyTorch");
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
      assertThat(a.matMul(a).toFloatArray()).containsExactly(7f, 10f, 15f, 22f);
    }
  }
}
