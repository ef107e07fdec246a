package io.longctx.rewards;

/**
 * What a rule verifier decided for one response.
 *
 * @param score 1.0 when the extracted answer matches the gold answer, else 0.0 (MRCR: the graded ratio in [0, 1])
 * @param pred the extracted answer, or {@code null} when none could be extracted (no {@code </think>}, no answer
 *     phrase); the judge is only ever asked about a non-null {@code pred}
 * @param gold the gold answer as the verifier parsed it (what the judge sees as "Answer 2")
 */
public record RuleResult(double score, String pred, String gold) {
  /** No answer could be extracted: score 0, nothing for a judge to look at. */
  public static final RuleResult NO_ANSWER = new RuleResult(0.0, null, null);
}
