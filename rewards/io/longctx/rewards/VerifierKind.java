package io.longctx.rewards;

import io.longctx.rewards.internal.ChoiceVerifier;
import io.longctx.rewards.internal.DocMathVerifier;
import io.longctx.rewards.internal.MultihopVerifier;
import java.util.Arrays;
import java.util.List;

/** The three rule verifiers of the reference recipe, by their config names. */
public enum VerifierKind {
  /** Numeric answer extraction, normalisation and the tolerant numeric comparator. */
  DOCMATH("docmath"),
  /** "the answer is" extraction, SQuAD normalisation, sub-exact-match. */
  MULTIHOP("multihop"),
  /** "The correct answer is (X)" multiple-choice letter match. */
  CHOICES("choices");

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
    return switch (this) {
      case DOCMATH -> DocMathVerifier.score(response, gold);
      case MULTIHOP -> MultihopVerifier.score(response, gold);
      case CHOICES -> ChoiceVerifier.score(response, gold);
    };
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
