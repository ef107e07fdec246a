package io.longctx.rewards;

import io.longctx.rewards.internal.ChoiceVerifier;
import io.longctx.rewards.internal.DocMathVerifier;
import io.longctx.rewards.internal.LongBenchV2Verifier;
import io.longctx.rewards.internal.MrcrGrader;
import io.longctx.rewards.internal.MultihopVerifier;
import java.util.Arrays;
import java.util.List;

/**
 * The rule verifiers by their config names: the three of the reference recipe, plus LongBench v2's
 * multiple-choice extraction and OpenAI MRCR's graded sequence match (a score in [0, 1], not 0/1).
 */
public enum VerifierKind {
  /** Numeric answer extraction, normalisation and the tolerant numeric comparator. */
  DOCMATH("docmath"),
  /** "the answer is" extraction, SQuAD normalisation, sub-exact-match. */
  MULTIHOP("multihop"),
  /** "The correct answer is (X)" multiple-choice letter match. */
  CHOICES("choices"),
  /** LongBench v2: "The correct answer is (X)" searched in the whole response (after {@code </think>} if any). */
  LONGBENCH_V2("longbench-v2"),
  /**
   * OpenAI MRCR: 0 unless the response starts with the item's {@code random_string_to_prepend}, else the
   * {@code difflib.SequenceMatcher} ratio of response and answer without that prefix.
   */
  MRCR("mrcr");

  private final String configName;

  VerifierKind(String configName) {
    this.configName = configName;
  }

  /** The name used in {@code rewards.source-verifiers}. */
  public String configName() {
    return configName;
  }

  /** Scores one response against its bare gold answer; never throws. */
  public RuleResult score(String response, String gold) {
    return score(response, gold, null);
  }

  /**
   * Scores one response; {@code answerPrefix} is the string the response must start with ({@link #MRCR}'s
   * {@code random_string_to_prepend}; null = none known, the ratio alone) and is ignored by the other verifiers.
   * Never throws.
   */
  public RuleResult score(String response, String gold, String answerPrefix) {
    return switch (this) {
      case DOCMATH -> DocMathVerifier.score(response, gold);
      case MULTIHOP -> MultihopVerifier.score(response, gold);
      case CHOICES -> ChoiceVerifier.score(response, gold);
      case LONGBENCH_V2 -> LongBenchV2Verifier.score(response, gold);
      case MRCR -> MrcrGrader.score(response, gold, answerPrefix);
    };
  }

  /** Whether the LLM judge may be asked where this rule fails: never for a choice letter or an MRCR ratio. */
  public boolean judgeable() {
    return this == DOCMATH || this == MULTIHOP;
  }

  /** All config names, for validation messages. */
  public static List<String> configNames() {
    return Arrays.stream(values()).map(VerifierKind::configName).toList();
  }

  /** The verifier with this config name, or {@code null}. */
  public static VerifierKind fromConfigName(String name) {
    for (VerifierKind k : values()) {
      if (k.configName.equals(name)) {
        return k;
      }
    }
    return null;
  }
}
