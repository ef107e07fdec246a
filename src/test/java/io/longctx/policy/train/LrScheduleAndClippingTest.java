package io.longctx.policy.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class LrScheduleAndClippingTest {

  @Test
  void warmupThenConstant() {
    LrSchedule s = new LrSchedule(1e-3, 4, LrSchedule.Kind.CONSTANT, 0, 0);
    assertThat(s.at(0)).isCloseTo(2.5e-4, within(1e-12));
    assertThat(s.at(3)).isCloseTo(1e-3, within(1e-12));
    assertThat(s.at(1000)).isEqualTo(1e-3);
    assertThat(LrSchedule.constant(5e-4).at(0)).isEqualTo(5e-4);
  }

  @Test
  void warmupThenCosineToFloor() {
    LrSchedule s = new LrSchedule(1.0, 2, LrSchedule.Kind.COSINE, 12, 0.1);
    assertThat(s.at(1)).isEqualTo(1.0);
    assertThat(s.at(2)).isEqualTo(1.0);
    assertThat(s.at(7)).isCloseTo(0.1 + 0.9 * 0.5, within(1e-12)); // half way through the decay
    assertThat(s.at(12)).isCloseTo(0.1, within(1e-12));
    assertThat(s.at(50)).isCloseTo(0.1, within(1e-12));
    assertThatThrownBy(() -> new LrSchedule(1.0, 0, LrSchedule.Kind.COSINE, 0, 0))
        .hasMessageContaining("total-steps");
  }

  @Test
  void clippingScalesToMaxNormAndReturnsPreClipNorm() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(new float[] {3, 0, 0}, new Shape(3));
      NDArray b = m.create(new float[] {0, 4}, new Shape(2));
      double norm = GradientClipping.clipGlobalNorm(List.of(a, b), 1.0);
      assertThat(norm).isCloseTo(5.0, within(1e-6));
      float c = (float) (1.0 / (5.0 + 1e-6));
      assertThat(a.toFloatArray()).containsExactly(new float[] {3 * c, 0, 0}, within(1e-7f));
      assertThat(b.toFloatArray()).containsExactly(new float[] {0, 4 * c}, within(1e-7f));
      assertThat(GradientClipping.globalNorm(List.of(a, b))).isCloseTo(1.0, within(1e-6));
      // under the threshold nothing changes
      double again = GradientClipping.clipGlobalNorm(List.of(a, b), 10.0);
      assertThat(again).isCloseTo(1.0, within(1e-6));
      assertThat(a.toFloatArray()[0]).isEqualTo(3 * c);
      NDArray bad = m.create(new float[] {Float.NaN, 1}, new Shape(2));
      assertThat(GradientClipping.clipGlobalNorm(List.of(bad), 1.0)).isNaN();
      assertThat(bad.toFloatArray()[1]).isEqualTo(1f);
    }
  }
}
