package io.longctx.jobs.ablate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Mean and Student-t interval against values worked out by hand. */
class MeanCiTest {
  @Test
  void threeSeedsHandComputed() {
    // mean 0.85; deviations -0.05, 0, 0.05: s = sqrt(0.005 / 2) = 0.05; half = 4.303 * 0.05 / sqrt(3) = 0.1242169
    MeanCi m = MeanCi.of(List.of(0.80, 0.85, 0.90));
    assertThat(m.n()).isEqualTo(3);
    assertThat(m.mean()).isCloseTo(0.85, within(1e-12));
    assertThat(m.sd()).isCloseTo(0.05, within(1e-12));
    assertThat(m.halfWidth()).isCloseTo(0.1242169, within(1e-7));
    assertThat(m.low()).isCloseTo(0.7257831, within(1e-7));
    assertThat(m.high()).isCloseTo(0.9742169, within(1e-7));
  }

  @Test
  void fourSeedsHandComputed() {
    // mean 0.6; squares 0.01 + 0 + 0.01 + 0 = 0.02: s = sqrt(0.02 / 3) = 0.0816497; half = 3.182 * s / 2 = 0.1299047
    MeanCi m = MeanCi.of(List.of(0.5, 0.6, 0.7, 0.6));
    assertThat(m.mean()).isCloseTo(0.6, within(1e-12));
    assertThat(m.sd()).isCloseTo(0.0816497, within(1e-7));
    assertThat(m.halfWidth()).isCloseTo(0.1299047, within(1e-7));
  }

  @Test
  void identicalSeedsHaveZeroWidthAndOneSeedNone() {
    assertThat(MeanCi.of(List.of(0.4, 0.4)).halfWidth()).isZero();
    MeanCi one = MeanCi.of(List.of(0.7));
    assertThat(one.mean()).isEqualTo(0.7);
    assertThat(one.halfWidth()).isNaN();
    assertThat(one.sd()).isNaN();
    MeanCi none = MeanCi.of(List.of());
    assertThat(none.n()).isZero();
    assertThat(none.mean()).isNaN();
  }

  @Test
  void tQuantiles() {
    assertThat(MeanCi.t975(1)).isEqualTo(12.706);
    assertThat(MeanCi.t975(2)).isEqualTo(4.303);
    assertThat(MeanCi.t975(30)).isEqualTo(2.042);
    // beyond the table: exact values 2.02108 (40), 1.98397 (100), 1.96234 (1000)
    assertThat(MeanCi.t975(40)).isCloseTo(2.02108, within(2e-4));
    assertThat(MeanCi.t975(100)).isCloseTo(1.98397, within(1e-4));
    assertThat(MeanCi.t975(1000)).isCloseTo(1.96234, within(1e-4));
    assertThat(MeanCi.t975(31)).isLessThan(MeanCi.t975(30));
    assertThatThrownBy(() -> MeanCi.t975(0)).hasMessageContaining("degrees of freedom");
  }
}
