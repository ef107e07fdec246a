package io.longctx.transforms;

import java.io.Serializable;
import java.util.Optional;

/**
 * The QwenLong-L1 user prompt: an instruction, the document inside {@code <text>...</text>}, the question, then
 * the answer format ("Therefore, the answer is ..." or, for multiple choice, "The correct answer is ...").
 * A prompt is kept as the text around the document ({@link Parts#head()}, {@link Parts#tail()}) so that the
 * document can be middle-truncated without touching the rest.
 */
public final class PromptTemplate {
  public static final String HEAD = "Please read the following text and answer the question below.\n\n<text>\n";
  public static final String ANSWER_FORMAT =
      "Format your response as follows: \"Therefore, the answer is (insert answer here)\".";
  public static final String CHOICE_FORMAT =
      "Format your response as follows: \"The correct answer is (insert answer here)\".";
  private static final String OPEN = "<text>";
  private static final String CLOSE = "</text>";

  private PromptTemplate() {}

  /**
   * A prompt split around its document: {@code prompt = head + document + tail}.
   *
   * @param question the question as it appears in the prompt (for dedup and decontamination)
   */
  public record Parts(String head, String document, String tail, String question) implements Serializable {
    public String prompt() {
      return head + document + tail;
    }

    public Parts withDocument(String newDocument) {
      return new Parts(head, newDocument, tail, question);
    }
  }

  /** Fills the template like the reference code: document and question are stripped of outer whitespace. */
  public static Parts build(String document, String question, boolean multipleChoice) {
    String q = question.strip();
    String tail = "\n" + CLOSE + "\n\n" + q + "\n\n" + (multipleChoice ? CHOICE_FORMAT : ANSWER_FORMAT);
    return new Parts(HEAD, document.strip(), tail, q);
  }

  /**
   * Splits an already-built prompt (verl layout) around the first {@code <text>} and the last {@code </text>}.
   * The question is the text after {@code </text>} up to a trailing "Format your response" instruction.
   *
   * @return empty if the prompt has no {@code <text>...</text>} block
   */
  public static Optional<Parts> recover(String prompt) {
    int open = prompt.indexOf(OPEN);
    int close = prompt.lastIndexOf(CLOSE);
    if (open < 0 || close < open + OPEN.length()) {
      return Optional.empty();
    }
    int docStart = open + OPEN.length();
    if (docStart < close && prompt.charAt(docStart) == '\n') {
      docStart++;
    }
    int docEnd = close;
    if (docEnd > docStart && prompt.charAt(docEnd - 1) == '\n') {
      docEnd--;
    }
    String after = prompt.substring(close + CLOSE.length());
    int format = after.lastIndexOf("Format your response");
    String question = (format >= 0 ? after.substring(0, format) : after).strip();
    return Optional.of(
        new Parts(prompt.substring(0, docStart), prompt.substring(docStart, docEnd), prompt.substring(docEnd),
            question));
  }

  /** Whether a data source is multiple choice: its name contains one of the markers (case-insensitive). */
  public static boolean matches(String dataSource, Iterable<String> markers) {
    String s = dataSource.toLowerCase(java.util.Locale.ROOT);
    for (String m : markers) {
      if (s.contains(m.toLowerCase(java.util.Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }
}
