package io.longctx.rewards.internal;

import io.longctx.rewards.QaMetrics;
import io.longctx.rewards.RuleResult;

/**
 * The multi-hop QA rule: asterisks removed, the text after the last case-sensitive "the answer is", stripped,
 * R1 end-of-turn markers removed, dots stripped; scored by SQuAD-normalised sub-exact-match. One deliberate
 * deviation from the reference: a prediction that normalises to the empty string scores 0.
 */
public final class MultihopVerifier {
  static final String MARKER = "the answer is";
  static final String ASSISTANT = "<｜Assistant｜>";
  static final String END_OF_SENTENCE = "<｜end▁of▁sentence｜>";

  private MultihopVerifier() {}

  public static RuleResult score(String response, String gold) {
    String answerText = AnswerExtraction.afterThink(response);
    if (answerText == null || answerText.isEmpty()) {
      return RuleResult.NO_ANSWER;
    }
    String pred = parseAnswer(answerText);
    if (pred == null || pred.isEmpty()) {
      return RuleResult.NO_ANSWER;
    }
    String gt = parseGold(gold);
    return new RuleResult(QaMetrics.subExactMatch(pred, gt) ? 1.0 : 0.0, pred, gt);
  }

  /** The gold as the reference sees it ("... the answer is X" with X the bare gold). */
  public static String parseGold(String gold) {
    return gold == null ? null : parseAnswer(MARKER + " " + gold);
  }

  /** The reference's multi-hop {@code parse_model_answer}; {@code null} when there is no "the answer is". */
  public static String parseAnswer(String text) {
    String r = text.replace("*", "");
    int i = r.lastIndexOf(MARKER);
    if (i < 0) {
      return null;
    }
    String ans = PyText.strip(r.substring(i + MARKER.length()));
    ans = ans.replace(ASSISTANT, "").replace(END_OF_SENTENCE, "");
    return PyText.strip(PyText.strip(PyText.strip(ans), "."));
  }
}
