package io.longctx.rewards.internal;

import io.longctx.rewards.RuleResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DocMath rule: the first case-insensitive "the answer is" followed by an optional =, ≈, backtick, %, $,
 * degree or currency sign, an optional minus and digits/commas/dots; both sides normalised by
 * {@link DocMathNormalizer}; compared with the reference's tolerant comparator ({@link #sameNumber}).
 */
public final class DocMathVerifier {
  private static final Pattern ANSWER =
      Pattern.compile("the answer is (=?≈?`?%?\\$?°?£?€?¥?-?[0-9.,]+)", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

  private DocMathVerifier() {}

  /** Scores {@code response} against the bare gold answer. */
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
    return new RuleResult(accuracy(pred, gt) ? 1.0 : 0.0, pred, gt);
  }

  /** The gold as the reference sees it: it phrases gold answers as "... the answer is X". */
  public static String parseGold(String gold) {
    return gold == null ? null : parseAnswer("the answer is " + gold);
  }

  /** The reference's {@code parse_model_answer}: asterisks removed, first match, commas and trailing dots dropped. */
  public static String parseAnswer(String text) {
    Matcher m = ANSWER.matcher(text.replace("*", ""));
    if (!m.find()) {
      return null;
    }
    return PyText.rstrip(m.group(1).replace(",", ""), ".");
  }

  /** The reference's {@code get_acc}: normalise both sides, then compare as numbers (or as bools). */
  public static boolean accuracy(String pred, String gt) {
    if (gt == null) {
      return false; // the reference raises here; a gold answer without a number never matches
    }
    PyValue p = DocMathNormalizer.normalize(pred);
    PyValue g = DocMathNormalizer.normalize(gt);
    if (g.kind() == PyValue.Kind.BOOL) {
      return p.isNumeric() && p.number() == g.number();
    }
    if (g.kind() != PyValue.Kind.NUMBER || !p.isNumeric()) {
      return false;
    }
    return sameNumber(p.number(), g.number());
  }

  /**
   * The reference's {@code compare_two_numbers}: equal up to a power of ten, the x100 / x1000 / x100000 slips,
   * equal after rounding up to 3 decimals, or within 0.15% of the gold value.
   */
  public static boolean sameNumber(double p, double gt) {
    if (Double.isNaN(p) || Double.isNaN(gt)) {
      return false;
    }
    double v1 = Math.max(Math.abs(gt), Math.abs(p));
    double v2 = Math.min(Math.abs(gt), Math.abs(p));
    if (Double.isInfinite(v1)) {
      return false; // the reference overflows (OverflowError -> False) on infinities
    }
    if (v1 != 0 && v2 != 0) {
      double diff = PyMath.log10(v1) - PyMath.log10(v2);
      if ((double) (long) diff == diff) {
        return true;
      }
    }
    if (v2 <= v1 / 50 && withinEps(v2 * 100, v1)) {
      return true;
    } else if (v2 <= v1 / 500 && withinEps(v2 * 1000, v1)) {
      return true;
    } else if (v2 <= v1 / 50000 && withinEps(v2 * 100000, v1)) {
      return true;
    }
    if (roundUp3(v1) == roundUp3(v2)) {
      return true;
    }
    return withinEps(p, gt);
  }

  private static boolean withinEps(double pred, double gt) {
    double eps = Math.abs(gt) * 0.0015;
    return pred >= gt - eps && pred <= gt + eps;
  }

  private static double roundUp3(double v) {
    return Math.ceil(v * 1000) / 1000;
  }
}
