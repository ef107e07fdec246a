package io.longctx.rewards;

/**
 * The reference judge prompt (an expert checks whether Answer 1 and Answer 2 to a problem are equivalent without
 * solving it, explains, then answers {@code [[YES]]} or {@code [[NO]]}) and strict verdict parsing.
 */
public final class JudgePrompt {
  /** The system message, verbatim from the reference. */
  public static final String SYSTEM =
      "You are an expert in verifying if two answers are the same.\n"
          + "Your input is a problem and two answers, Answer 1 and Answer 2. You need to check if they are equivalent.\n"
          + "Your task is to determine if two answers are equivalent, without attempting to solve the original problem.\n"
          + "Compare the answers to verify they represent identical values or meaning, even when written in different "
          + "forms or notations.\n"
          + "\n"
          + "Your output must follow the following format:\n"
          + "1) Provide an explanation for why the answers are equivalent or not.\n"
          + "2) Then provide your final answer in the form of: [[YES]] or [[NO]]\n";

  public static final String YES = "[[YES]]";
  public static final String NO = "[[NO]]";

  private JudgePrompt() {}

  /** The user message: the problem (the question text), then Answer 1 (model) and Answer 2 (gold). */
  public static String user(String question, String predicted, String gold) {
    return "\nProblem: " + nz(question) + "\nAnswer 1: " + nz(predicted) + "\nAnswer 2: " + nz(gold) + "\n";
  }

  /**
   * Strict parsing: the last {@code [[YES]]} or {@code [[NO]]} marker in the reply is the verdict; a reply with
   * neither is {@link JudgeVerdict#UNPARSEABLE} (the reference's looser {@code "YES" in reply} is not used, since
   * "YES" also appears in explanations).
   */
  public static JudgeVerdict parse(String reply) {
    if (reply == null) {
      return JudgeVerdict.UNPARSEABLE;
    }
    int yes = reply.lastIndexOf(YES);
    int no = reply.lastIndexOf(NO);
    if (yes < 0 && no < 0) {
      return JudgeVerdict.UNPARSEABLE;
    }
    return yes > no ? JudgeVerdict.YES : JudgeVerdict.NO;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
