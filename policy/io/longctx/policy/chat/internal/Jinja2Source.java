package io.longctx.policy.chat.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rewrites a Python Jinja2 template, as transformers compiles it ({@code trim_blocks=True}, {@code lstrip_blocks=True},
 * no {@code keep_trailing_newline}), into a Jinjava template with the same output:
 *
 * <ul>
 *   <li>newlines are normalised to {@code \n} and one trailing newline is dropped;
 *   <li>Jinja2's {@code lstrip_blocks} and {@code trim_blocks} are applied here, to the text around block tags and
 *       comments (Jinjava's versions also strip spaces before a tag in the middle of a line), and {@code +}
 *       markers, which only switch them off, are removed;
 *   <li>comments are removed, with their {@code -} whitespace control applied;
 *   <li>the code inside each tag is rewritten by {@link Jinja2Expressions}.
 * </ul>
 *
 * The content of {@code {% raw %}} blocks is left as it is. {@code -} markers on tags stay for Jinjava, which strips
 * whitespace as Jinja2 does.
 */
public final class Jinja2Source {
  private Jinja2Source() {}

  /** One tag as written: {@code kind} is '{', '%' or '#'; {@code code} is between the delimiters, markers included. */
  private record Tag(char kind, String code) {
    char left() {
      return code.isEmpty() ? ' ' : code.charAt(0);
    }

    char right() {
      return code.isEmpty() ? ' ' : code.charAt(code.length() - 1);
    }

    boolean block() {
      return kind != '{';
    }
  }

  /** A translated template and the filters and tests it uses. */
  public record Translation(String template, Set<String> filters, Set<String> tests) {}

  public static Translation translate(String source) {
    String s = source.replace("\r\n", "\n").replace('\r', '\n');
    if (s.endsWith("\n")) {
      s = s.substring(0, s.length() - 1);
    }
    List<String> texts = new ArrayList<>();
    List<Tag> tags = new ArrayList<>();
    split(s, texts, tags);
    applyWhitespaceRules(texts, tags);
    Set<String> filters = new TreeSet<>();
    Set<String> tests = new TreeSet<>();
    StringBuilder out = new StringBuilder(s.length() + 64).append(texts.get(0));
    for (int k = 0; k < tags.size(); k++) {
      Tag t = tags.get(k);
      if (t.kind() != '#') {
        out.append(render(t, filters, tests));
      }
      out.append(texts.get(k + 1));
    }
    return new Translation(out.toString(), filters, tests);
  }

  /** Text and tags alternating: {@code texts} has one more entry than {@code tags}. */
  private static void split(String s, List<String> texts, List<Tag> tags) {
    int i = 0;
    while (true) {
      int open = nextOpening(s, i);
      if (open < 0) {
        texts.add(s.substring(i));
        return;
      }
      texts.add(s.substring(i, open));
      char kind = s.charAt(open + 1);
      int end = kind == '#' ? commentEnd(s, open + 2) : codeEnd(s, open + 2, kind == '{' ? "}}" : "%}");
      Tag tag = new Tag(kind, s.substring(open + 2, end));
      tags.add(tag);
      i = Math.min(s.length(), end + 2);
      if (kind == '%' && isTag(tag, "raw")) {
        int endRaw = findEndRaw(s, i);
        texts.add(s.substring(i, endRaw));
        if (endRaw == s.length()) {
          return;
        }
        int close = s.indexOf("%}", endRaw + 2);
        tags.add(new Tag('%', s.substring(endRaw + 2, close)));
        i = close + 2;
      }
    }
  }

  /**
   * Jinja2's lexer rules: before a block tag or comment without a {@code +} or {@code -} marker, spaces and tabs
   * back to the start of the line go (when only they are there); after one without a marker, one newline goes; after
   * a comment's {@code -} marker all whitespace goes and before it, all whitespace.
   */
  private static void applyWhitespaceRules(List<String> texts, List<Tag> tags) {
    boolean lineStarting = true;
    for (int k = 0; k < tags.size(); k++) {
      Tag t = tags.get(k);
      String before = texts.get(k);
      if (t.left() == '-' && t.kind() == '#') {
        before = stripEnd(before);
      } else if (t.block() && t.left() != '-' && t.left() != '+') {
        int lineStart = before.lastIndexOf('\n') + 1;
        boolean blank = before.substring(lineStart).chars().allMatch(c -> c == ' ' || c == '\t');
        if ((lineStart > 0 || lineStarting) && blank) {
          before = before.substring(0, lineStart);
        }
      }
      texts.set(k, before);
      String after = texts.get(k + 1);
      if (t.right() == '-') {
        int n = 0;
        while (n < after.length() && Character.isWhitespace(after.charAt(n))) {
          n++;
        }
        lineStarting = n > 0 && after.charAt(n - 1) == '\n';
        if (t.kind() == '#') {
          after = after.substring(n);
        }
      } else if (t.block() && t.right() != '+' && after.startsWith("\n")) {
        after = after.substring(1);
        lineStarting = true;
      } else {
        lineStarting = false;
      }
      texts.set(k + 1, after);
    }
  }

  /** The tag for Jinjava: code rewritten, {@code +} markers dropped (their effect is already applied). */
  private static String render(Tag t, Set<String> filters, Set<String> tests) {
    String code = t.code();
    int from = code.startsWith("-") || code.startsWith("+") ? 1 : 0;
    int to = code.length() > from && (code.endsWith("-") || code.endsWith("+")) ? code.length() - 1 : code.length();
    String left = from == 1 && code.charAt(0) == '-' ? "-" : "";
    String right = to < code.length() && code.charAt(to) == '-' ? "-" : "";
    String body = code.substring(from, to);
    String close = t.kind() == '{' ? "}}" : "%}";
    boolean verbatim = isTag(t, "raw") || isTag(t, "endraw");
    String translated = verbatim ? body : Jinja2Expressions.translate(body, filters, tests, !isMacro(t));
    return "{" + t.kind() + left + translated + right + close;
  }

  private static String stripEnd(String s) {
    int j = s.length();
    while (j > 0 && Character.isWhitespace(s.charAt(j - 1))) {
      j--;
    }
    return s.substring(0, j);
  }

  private static int nextOpening(String s, int from) {
    for (int i = from; i + 1 < s.length(); i++) {
      if (s.charAt(i) == '{') {
        char c = s.charAt(i + 1);
        if (c == '{' || c == '%' || c == '#') {
          return i;
        }
      }
    }
    return -1;
  }

  private static int commentEnd(String s, int from) {
    int end = s.indexOf("#}", from);
    return end < 0 ? s.length() : end;
  }

  /** Index of {@code close} ending the tag whose code starts at {@code from}, outside string literals. */
  private static int codeEnd(String s, int from, String close) {
    int i = from;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"') {
        i = Jinja2Expressions.literalEnd(s, i);
      } else if (s.startsWith(close, i)) {
        return i;
      } else {
        i++;
      }
    }
    return s.length();
  }

  /** A macro definition: its parameter defaults are parsed by Jinjava's macro tag, not as call arguments. */
  private static boolean isMacro(Tag t) {
    return t.kind() == '%' && t.code().replace("-", " ").replace("+", " ").trim().startsWith("macro ");
  }

  private static boolean isTag(Tag t, String name) {
    return t.kind() == '%' && t.code().replace("-", "").replace("+", "").trim().equals(name);
  }

  /** Start of the {@code {% endraw %}} tag after a raw block's opening, or the end of the source. */
  private static int findEndRaw(String s, int from) {
    int i = from;
    while ((i = s.indexOf("{%", i)) >= 0) {
      int end = s.indexOf("%}", i + 2);
      if (end < 0) {
        break;
      }
      if (s.substring(i + 2, end).replace("-", "").replace("+", "").trim().equals("endraw")) {
        return i;
      }
      i = end + 2;
    }
    return s.length();
  }
}
