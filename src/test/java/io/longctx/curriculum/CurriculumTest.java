package io.longctx.curriculum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longctx.common.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CurriculumTest {
  private static CurriculumConfig config(boolean singleStage, CurriculumConfig.Phase... phases) {
    return new CurriculumConfig(3L, singleStage, List.of(phases), CurriculumConfig.Retrospective.defaults());
  }

  private static final CurriculumConfig PAPER =
      config(false,
          new CurriculumConfig.Phase("20k", 20_000, 10_000, 3),
          new CurriculumConfig.Phase("60k", 60_000, 10_000, 5),
          new CurriculumConfig.Phase("120k", 120_000, 12_000, 2));

  @Test
  void phasesTakeHalfOpenRangesBetweenCaps() {
    Curriculum c = Curriculum.of(PAPER);
    assertThat(c.phases()).hasSize(3);
    CurriculumPhase p1 = c.phase(1);
    CurriculumPhase p2 = c.phase(2);
    CurriculumPhase p3 = c.phase(3);
    assertThat(p1.minExclusiveTokens()).isZero();
    assertThat(p2.minExclusiveTokens()).isEqualTo(20_000);
    assertThat(p3.minExclusiveTokens()).isEqualTo(60_000);
    // off-by-one at the caps: the cap belongs to its own phase, cap + 1 to the next
    assertThat(p1.accepts(20_000)).isTrue();
    assertThat(p2.accepts(20_000)).isFalse();
    assertThat(p2.accepts(20_001)).isTrue();
    assertThat(p2.accepts(60_000)).isTrue();
    assertThat(p3.accepts(60_000)).isFalse();
    assertThat(p3.accepts(60_001)).isTrue();
    assertThat(p1.accepts(0)).isFalse();
    assertThat(p1.accepts(1)).isTrue();
    assertThat(c.phaseForPromptTokens(20_000)).isEqualTo(p1);
    assertThat(c.phaseForPromptTokens(20_001)).isEqualTo(p2);
    assertThat(c.phaseForPromptTokens(120_000)).isEqualTo(p3);
    assertThat(c.phaseForPromptTokens(120_001)).isNull();
  }

  @Test
  void globalStepsMapToPhaseAndStepInPhase() {
    Curriculum c = Curriculum.of(PAPER);
    assertThat(c.totalSteps()).isEqualTo(10);
    int[] expectedPhase = {1, 1, 1, 2, 2, 2, 2, 2, 3, 3};
    int[] expectedStep = {1, 2, 3, 1, 2, 3, 4, 5, 1, 2};
    for (int s = 1; s <= 10; s++) {
      PhaseStep at = c.at(s);
      assertThat(at.phase().number()).as("phase of step %d", s).isEqualTo(expectedPhase[s - 1]);
      assertThat(at.stepInPhase()).as("step in phase of step %d", s).isEqualTo(expectedStep[s - 1]);
      assertThat(at.globalStep()).isEqualTo(s);
      assertThat(at.startsPhase()).isEqualTo(expectedStep[s - 1] == 1);
    }
    assertThat(c.phase(2).firstStep()).isEqualTo(4);
    assertThat(c.phase(2).lastStep()).isEqualTo(8);
    assertThat(c.phase(2).maxResponseTokens()).isEqualTo(10_000);
    assertThatThrownBy(() -> c.at(0)).isInstanceOf(CurriculumException.class).hasMessageContaining("1..10");
    assertThatThrownBy(() -> c.at(11)).isInstanceOf(CurriculumException.class).hasMessageContaining("1..10");
    assertThatThrownBy(() -> c.phase(4)).isInstanceOf(CurriculumException.class).hasMessageContaining("1..3");
  }

  @Test
  void singleStageIsOnePhaseOverEverythingWithTheSameSteps() {
    CurriculumConfig cfg = config(true, PAPER.phases().toArray(new CurriculumConfig.Phase[0]));
    Curriculum c = Curriculum.of(cfg);
    assertThat(c.singleStage()).isTrue();
    assertThat(c.phases()).hasSize(1);
    CurriculumPhase only = c.phase(1);
    assertThat(only.name()).isEqualTo("single-stage");
    assertThat(only.minExclusiveTokens()).isZero();
    assertThat(only.maxInputTokens()).isEqualTo(120_000);
    assertThat(only.maxResponseTokens()).isEqualTo(12_000);
    assertThat(c.totalSteps()).isEqualTo(Curriculum.of(PAPER).totalSteps());
    assertThat(c.at(10).phase()).isEqualTo(only);
    assertThat(c.at(10).stepInPhase()).isEqualTo(10);
    assertThat(only.accepts(1)).isTrue();
    assertThat(only.accepts(120_001)).isFalse();
  }

  @Test
  void aPhaseMayRaiseItsLowerBoundToSkipTheLengthsSftCovered() {
    Curriculum c = Curriculum.of(config(false,
        new CurriculumConfig.Phase("p1", 512, 48, 2, 96), new CurriculumConfig.Phase("p2", 1024, 48, 2)));
    CurriculumPhase first = c.phases().get(0);
    assertThat(first.minExclusiveTokens()).isEqualTo(96);
    assertThat(first.accepts(96)).isFalse();
    assertThat(first.accepts(97)).isTrue();
    assertThat(first.accepts(512)).isTrue();
    assertThat(c.phases().get(1).minExclusiveTokens()).isEqualTo(512); // the default: the previous cap
    // the bound can only narrow a phase: not below the previous cap, not at or above its own cap
    assertThatThrownBy(() -> Curriculum.of(config(false,
            new CurriculumConfig.Phase("p1", 512, 48, 2), new CurriculumConfig.Phase("p2", 1024, 48, 2, 500))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("curriculum.phases[1].min-input-tokens")
        .hasMessageContaining("[512, 1024)");
    assertThatThrownBy(() -> Curriculum.of(config(false, new CurriculumConfig.Phase("p1", 512, 48, 2, 512))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("curriculum.phases[0].min-input-tokens");
  }

  @Test
  void invalidConfigNamesKeyAndRange() {
    assertThatThrownBy(() -> Curriculum.of(config(false,
            new CurriculumConfig.Phase("a", 100, 10, 1), new CurriculumConfig.Phase("b", 100, 10, 1))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("curriculum.phases[1].max-input-tokens")
        .hasMessageContaining("100");
    assertThatThrownBy(() -> Curriculum.of(config(false, new CurriculumConfig.Phase("a", 100, 10, 0))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("curriculum.phases[0].steps");
    assertThatThrownBy(() -> Curriculum.of(config(false)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("curriculum.phases");
    CurriculumConfig.Retrospective badShare = new CurriculumConfig.Retrospective(true, "importance", 1.0, 10);
    assertThatThrownBy(badShare::validate)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("curriculum.retrospective.share")
        .hasMessageContaining("[0, 1)");
    CurriculumConfig.Retrospective badMode = new CurriculumConfig.Retrospective(true, "hardest", 0.2, 10);
    assertThatThrownBy(badMode::validate)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("curriculum.retrospective.mode")
        .hasMessageContaining("zero-accuracy");
    CurriculumConfig.Retrospective badWeight = new CurriculumConfig.Retrospective(true, "importance", 0.2, 0.5);
    assertThatThrownBy(badWeight::validate)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("curriculum.retrospective.max-weight");
  }

  @Test
  void retrospectiveQuotaRoundsShareAndLeavesAFreshSlot() {
    RetrospectiveSampler s = RetrospectiveSampler.of(new CurriculumConfig.Retrospective(true, "zero-accuracy", 0.25, 10));
    assertThat(s.quota(16)).isEqualTo(4);
    assertThat(s.quota(10)).isEqualTo(3); // round(2.5) = 3
    assertThat(s.quota(1)).isZero();
    RetrospectiveSampler most = RetrospectiveSampler.of(new CurriculumConfig.Retrospective(true, "zero-accuracy", 0.99, 10));
    assertThat(most.quota(8)).isEqualTo(7);
    assertThat(RetrospectiveSampler.disabled().quota(16)).isZero();
    Curriculum c = Curriculum.of(PAPER);
    assertThat(s.appliesTo(c.phase(1))).isFalse();
    assertThat(s.appliesTo(c.phase(2))).isTrue();
    assertThat(RetrospectiveSampler.disabled().appliesTo(c.phase(2))).isFalse();
  }
}
