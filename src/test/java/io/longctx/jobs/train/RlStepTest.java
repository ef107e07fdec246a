package io.longctx.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.longctx.rewards.RewardsConfig;
import org.junit.jupiter.api.Test;

class RlStepTest {
  @Test
  void overlongBufferKeepsTheConfiguredShareOfThePhaseBudget() {
    RewardsConfig.OverlongConfig o = new RewardsConfig.OverlongConfig(true, 10000, 1000, 1.0);
    assertThat(RlStep.overlongCache(o, 48)).isEqualTo(5); // 10% of 48, rounded
    assertThat(RlStep.overlongCache(o, 20480)).isEqualTo(2048);
    assertThat(RlStep.overlongCache(o, 4)).isEqualTo(1); // never zero
  }
}
