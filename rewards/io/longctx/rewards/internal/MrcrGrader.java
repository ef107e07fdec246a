package io.longctx.rewards.internal;

import io.longctx.rewards.RuleResult;

/**
 * OpenAI MRCR's grader as its dataset card publishes it: a response that does not start with
 * {@code random_string_to_prepend} scores 0; otherwise that prefix is removed from the response and from the
 * answer (each only where present, as Python's {@code str.removeprefix}) and the score is
 * {@code difflib.SequenceMatcher(None, response, answer).ratio()} ({@link SequenceMatcher}).
 *
 * <p>One addition for reasoning models: when the response has a {@code </think>}, the text after the last one,
 * without its leading whitespace, is graded (the card's models answer without a thinking block, so this changes
 * nothing for them).
 */
public final class MrcrGrader {
  private MrcrGrader() {}

  /**
   * Grades one response. {@code prefix} null means none is known: the ratio alone. The result's {@code pred} is
   * the graded text (null only when it does not start with the prefix) and its {@code gold} the answer without
   * the prefix.
   */
  public static RuleResult score(String response, String answer, String prefix) {
    String text = graded(response);
    String p = prefix == null ? "" : prefix;
    String gold = answer.startsWith(p) ? answer.substring(p.length()) : answer;
    if (!text.startsWith(p)) {
      return new RuleResult(0.0, null, gold);
    }
    return new RuleResult(SequenceMatcher.ratio(text.substring(p.length()), gold), text, gold);
  }

  /** The response text the card's grader would see: after the last {@code </think>} when there is one. */
  static String graded(String response) {
    int i = response.lastIndexOf(AnswerExtraction.THINK_END);
    if (i < 0) {
      return response;
    }
    return response.substring(i + AnswerExtraction.THINK_END.length()).stripLeading();
  }
}
