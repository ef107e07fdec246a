package io.longctx.rewards.internal;

import io.longctx.rewards.RuleResult;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The multiple-choice rule: the first "The correct answer is (X)", else the first "The correct answer is X"
 * (case-sensitive phrase, X in A-D), compared case-insensitively with the gold letter.
 */
public final class ChoiceVerifier {
  private static final Pattern PAREN = Pattern.compile("The correct answer is \\(([A-D])\\)");
  private static final Pattern BARE = Pattern.compile("The correct answer is ([A-D])");

  private ChoiceVerifier() {}

  public static RuleResult score(String response, String gold) {
    String answerText = AnswerExtraction.afterThink(response);
    if (answerText == null || answerText.isEmpty()) {
      return RuleResult.NO_ANSWER;
    }
    String pred = parseAnswer(answerText);
    if (pred == null) {
      return RuleResult.NO_ANSWER;
    }
    String gt = parseGold(gold);
    if (gt == null) {
      return new RuleResult(0.0, pred, null);
    }
    return new RuleResult(pred.toLowerCase(Locale.ROOT).equals(gt.toLowerCase(Locale.ROOT)) ? 1.0 : 0.0, pred, gt);
  }

  /** The gold letter: a bare "B" or "(B)" is read as the reference's "The correct answer is (B)". */
  public static String parseGold(String gold) {
    if (gold == null) {
      return null;
    }
    String g = PyText.strip(gold);
    String letter = parseAnswer("The correct answer is " + g);
    if (letter == null && g.length() == 1 && "abcd".indexOf(g.charAt(0)) >= 0) {
      letter = g.toUpperCase(Locale.ROOT); // lenient on a lower-case gold letter
    }
    return letter;
  }

  /** The chosen letter, or {@code null} when neither phrase is present. */
  public static String parseAnswer(String text) {
    String r = text.replace("*", "");
    Matcher m = PAREN.matcher(r);
    if (m.find()) {
      return m.group(1);
    }
    m = BARE.matcher(r);
    return m.find() ? m.group(1) : null;
  }
}
