package io.longctx.rewards.internal;

/** The extraction common to every verifier: the answer is what follows the last {@code </think>}. */
public final class AnswerExtraction {
  public static final String THINK_END = "</think>";

  private AnswerExtraction() {}

  /** The stripped text after the last {@code </think>}, or {@code null} when the response has none. */
  public static String afterThink(String response) {
    if (response == null) {
      return null;
    }
    int i = response.lastIndexOf(THINK_END);
    if (i < 0) {
      return null;
    }
    return PyText.strip(response.substring(i + THINK_END.length()));
  }
}
