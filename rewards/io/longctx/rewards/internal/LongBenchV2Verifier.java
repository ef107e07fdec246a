package io.longctx.rewards.internal;

import io.longctx.rewards.RuleResult;

/**
 * LongBench v2's multiple-choice rule ({@code extract_answer} of its {@code pred.py}): asterisks removed, the
 * first "The correct answer is (X)", else the first "The correct answer is X", X in A-D, equal to the gold letter.
 * It reads the whole response, as LongBench v2 does for models without a thinking block; a response with a
 * {@code </think>} is read after the last one (as every verifier of this project does).
 */
public final class LongBenchV2Verifier {
  private LongBenchV2Verifier() {}

  public static RuleResult score(String response, String gold) {
    String text = response.contains(AnswerExtraction.THINK_END) ? AnswerExtraction.afterThink(response) : response;
    String pred = ChoiceVerifier.parseAnswer(text);
    String gt = ChoiceVerifier.parseGold(gold);
    if (pred == null) {
      return new RuleResult(0.0, null, gt);
    }
    return new RuleResult(pred.equals(gt) ? 1.0 : 0.0, pred, gt);
  }
}
