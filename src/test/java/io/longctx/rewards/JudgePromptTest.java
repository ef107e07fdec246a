package io.longctx.rewards;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JudgePromptTest {
  @Test
  void strictParsingTakesTheLastVerdictMarker() {
    assertThat(JudgePrompt.parse("They match.\n[[YES]]")).isEqualTo(JudgeVerdict.YES);
    assertThat(JudgePrompt.parse("Not equal. [[NO]]")).isEqualTo(JudgeVerdict.NO);
    assertThat(JudgePrompt.parse("At first [[YES]] but on reflection [[NO]]")).isEqualTo(JudgeVerdict.NO);
    assertThat(JudgePrompt.parse("[[NO]] ... final: [[YES]]")).isEqualTo(JudgeVerdict.YES);
  }

  @Test
  void anythingElseIsUnparseable() {
    for (String s : new String[] {"YES", "yes", "[YES]", "[[yes]]", "[[ YES ]]", "", "The answer: NO"}) {
      assertThat(JudgePrompt.parse(s)).as(s).isEqualTo(JudgeVerdict.UNPARSEABLE);
    }
    assertThat(JudgePrompt.parse(null)).isEqualTo(JudgeVerdict.UNPARSEABLE);
    assertThat(JudgeVerdict.UNPARSEABLE.score()).isEqualTo(0.0);
    assertThat(JudgeVerdict.YES.score()).isEqualTo(1.0);
  }

  @Test
  void userMessageFollowsTheReferenceTemplate() {
    assertThat(JudgePrompt.user("How many?", "3", "three"))
        .isEqualTo("\nProblem: How many?\nAnswer 1: 3\nAnswer 2: three\n");
    assertThat(JudgePrompt.SYSTEM).startsWith("You are an expert in verifying if two answers are the same.\n")
        .endsWith("2) Then provide your final answer in the form of: [[YES]] or [[NO]]\n");
  }
}
