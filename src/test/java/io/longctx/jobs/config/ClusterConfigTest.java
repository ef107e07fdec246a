package io.longctx.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.longctx.curriculum.CurriculumConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The cluster example config expresses QwenLong-L1.5's schedule. */
class ClusterConfigTest {
  @Test
  void clusterExampleHasTheL15PhasesAndRecipe() {
    LongctxConfig c = ConfigLoader.load(
        Path.of(System.getProperty("basedir", ".")).resolve("deploy/conf/cluster.yaml"));
    assertThat(c.curriculum().phases()).extracting(CurriculumConfig.Phase::maxInputTokens)
        .containsExactly(20000, 60000, 120000);
    assertThat(c.curriculum().phases()).extracting(CurriculumConfig.Phase::maxResponseTokens)
        .containsExactly(12000, 20000, 50000);
    assertThat(c.curriculum().retrospective().enabled()).isTrue();
    assertThat(c.curriculum().singleStage()).isFalse();
    assertThat(c.curriculum().taskBalance().enabled()).isTrue();
    assertThat(c.rewards().advantage().stdScope()).isEqualTo("task");
    assertThat(c.optim().aepo().enabled()).isTrue();
  }
}
