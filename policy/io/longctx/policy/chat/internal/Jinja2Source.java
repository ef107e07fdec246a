package io.longctx.policy.chat.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites a Python Jinja2 template into the dialect Jinjava parses, keeping its meaning:
 *
 * <ul>
 *   <li>newlines are normalised to {@code \n} and one trailing newline is dropped, as Jinja2 does without
 *       {@code keep_trailing_newline};
 *   <li>string literals are decoded with Python's escapes ({@code '\n'}, {@code '\t'}, {@code '\u00e9'}, ...) and
 *       written back with only the escapes Jinjava's scanner knows (a backslash, the quote), other characters raw;
 *   <li>Python slices {@code x[a:b:c]} become {@code py_slice(x, a, b, c)} (Jinjava has no step and differs on
 *       negative bounds);
 *   <li>Python's {@code True}, {@code False} and {@code None} become {@code true}, {@code false} and {@code none};
 *   <li>a unary {@code not} gets its operand in parentheses, {@code not x is defined} becoming
 *       {@code not (x is defined)} and {@code not xs|length == 1} {@code not (xs|length == 1)}: in Python {@code not}
 *       binds looser than comparisons and tests, in Jinjava tighter;
 *   <li>keyword arguments get parentheses, {@code f(n=xs|length - 1)} becoming {@code f(n=(xs|length - 1))}: in Jinjava
 *       {@code n=xs|length} binds tighter than the subtraction.
 * </ul>
 *
 * Text outside tags and {@code {% raw %}} blocks is left as it is.
 */
public final class Jinja2Source {
  private Jinja2Source() {}

  public static String translate(String source) {
    String s = source.replace("\r\n", "\n").replace('\r', '\n');
    if (s.endsWith("\n")) {
      s = s.substring(0, s.length() - 1);
    }
    StringBuilder out = new StringBuilder(s.length() + 64);
    int i = 0;
    while (i < s.length()) {
      int open = nextOpening(s, i);
      if (open < 0) {
        out.append(s, i, s.length());
        break;
      }
      out.append(s, i, open);
      char kind = s.charAt(open + 1);
      if (kind == '#') {
        int end = s.indexOf("#}", open + 2);
        end = end < 0 ? s.length() : end + 2;
        out.append(s, open, end);
        i = end;
        continue;
      }
      String close = kind == '{' ? "}}" : "%}";
      int end = codeEnd(s, open + 2, close);
      String code = s.substring(open + 2, end);
      int from = !code.isEmpty() && (code.charAt(0) == '-' || code.charAt(0) == '+') ? 1 : 0;
      int to = code.length() > from && (code.endsWith("-") || code.endsWith("+")) ? code.length() - 1 : code.length();
      out.append(s, open, open + 2).append(code, 0, from).append(translateCode(code.substring(from, to)))
          .append(code, to, code.length());
      i = Math.min(s.length(), end + 2);
      out.append(s, end, i);
      if (kind == '%' && isRawTag(code)) {
        int endRaw = findEndRaw(s, i);
        out.append(s, i, endRaw);
        i = endRaw;
      }
    }
    return out.toString();
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

  /** Index of {@code close} ending the tag whose code starts at {@code from}, outside string literals. */
  private static int codeEnd(String s, int from, String close) {
    int i = from;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"') {
        i = literalEnd(s, i);
      } else if (s.startsWith(close, i)) {
        return i;
      } else {
        i++;
      }
    }
    return s.length();
  }

  private static boolean isRawTag(String code) {
    return code.replace("-", "").replace("+", "").trim().equals("raw");
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

  /** One past the closing quote of the literal opening at {@code start} (Python rules: backslash escapes). */
  private static int literalEnd(String s, int start) {
    char quote = s.charAt(start);
    int i = start + 1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == quote) {
        return i + 1;
      } else {
        i++;
      }
    }
    return s.length();
  }

  /** Code inside one tag: literals re-escaped, Python constants renamed, slices rewritten. */
  static String translateCode(String code) {
    List<String> literals = new ArrayList<>();
    StringBuilder masked = new StringBuilder(code.length());
    int i = 0;
    while (i < code.length()) {
      char c = code.charAt(i);
      if (c == '\'' || c == '"') {
        int end = literalEnd(code, i);
        masked.append('\u0001').append(literals.size()).append('\u0002');
        literals.add(PythonLiterals.toJinjava(PythonLiterals.decode(code.substring(i + 1, Math.max(i + 1, end - 1)))));
        i = end;
      } else {
        masked.append(c);
        i++;
      }
    }
    String rewritten =
        Slices.rewrite(parenthesizeNamedArguments(groupNegations(renameConstants(masked.toString()))));
    StringBuilder out = new StringBuilder(rewritten.length() + 16);
    for (int j = 0; j < rewritten.length(); j++) {
      char c = rewritten.charAt(j);
      if (c == '\u0001') {
        int end = rewritten.indexOf('\u0002', j);
        out.append(literals.get(Integer.parseInt(rewritten.substring(j + 1, end))));
        j = end;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static final java.util.Set<String> BEFORE_UNARY =
      java.util.Set.of("and", "or", "not", "if", "elif", "else", "in", "return", "");
  private static final java.util.Set<String> ENDS_NOT = java.util.Set.of("and", "or", "if", "else");

  /**
   * A unary {@code not} applies to the whole comparison after it, as in Python ({@code not x is defined},
   * {@code not xs|length == 1}): its operand is wrapped in parentheses up to the next {@code and}, {@code or},
   * {@code if}, {@code else}, comma or closing bracket.
   */
  static String groupNegations(String code) {
    java.util.TreeMap<Integer, String> inserts = new java.util.TreeMap<>();
    for (int i = 0; i < code.length(); i++) {
      if (!wordAt(code, i, "not") || !BEFORE_UNARY.contains(previousWord(code, i))
          || "in".equals(nextWord(code, i + 3))) {
        continue;
      }
      int from = i + 3;
      int end = from;
      int depth = 0;
      while (end < code.length()) {
        char c = code.charAt(end);
        if (c == '(' || c == '[' || c == '{') {
          depth++;
        } else if (c == ')' || c == ']' || c == '}') {
          if (depth-- == 0) {
            break;
          }
        } else if (depth == 0 && (c == ',' || c == ':')) {
          break;
        } else if (depth == 0 && Character.isLetter(c) && (end == 0 || !isNamePart(code.charAt(end - 1)))) {
          String w = nextWord(code, end);
          if (ENDS_NOT.contains(w)) {
            break;
          }
          end += w.length() - 1;
        }
        end++;
      }
      int stop = end;
      while (stop > from && code.charAt(stop - 1) == ' ') {
        stop--;
      }
      inserts.merge(from, " (", (a, b) -> a + b);
      inserts.merge(stop, ")", (a, b) -> a + b);
      i = from - 1;
    }
    StringBuilder out = new StringBuilder(code);
    for (var e : inserts.descendingMap().entrySet()) {
      out.insert(e.getKey(), e.getValue());
    }
    return out.toString();
  }

  private static boolean isNamePart(char c) {
    return Character.isJavaIdentifierPart(c) && c > 2;
  }

  private static boolean wordAt(String code, int i, String word) {
    return code.startsWith(word, i) && (i == 0 || !isNamePart(code.charAt(i - 1)))
        && (i + word.length() == code.length() || !isNamePart(code.charAt(i + word.length())));
  }

  /** The word before {@code i} ("" at the start or after punctuation other than a name, number or closer). */
  private static String previousWord(String code, int i) {
    int j = i - 1;
    while (j >= 0 && code.charAt(j) == ' ') {
      j--;
    }
    if (j < 0 || "(,[{=:-+".indexOf(code.charAt(j)) >= 0) {
      return "";
    }
    int end = j + 1;
    while (j >= 0 && isNamePart(code.charAt(j))) {
      j--;
    }
    return end - j > 1 ? code.substring(j + 1, end) : "?";
  }

  private static String nextWord(String code, int i) {
    int j = i;
    while (j < code.length() && code.charAt(j) == ' ') {
      j++;
    }
    int start = j;
    while (j < code.length() && isNamePart(code.charAt(j))) {
      j++;
    }
    return code.substring(start, j);
  }

  /** {@code name=value} inside a call's parentheses becomes {@code name=(value)}. */
  static String parenthesizeNamedArguments(String code) {
    StringBuilder out = new StringBuilder(code.length() + 8);
    java.util.ArrayDeque<Character> open = new java.util.ArrayDeque<>();
    java.util.ArrayDeque<Integer> pendingClose = new java.util.ArrayDeque<>(); // bracket depth of open wraps
    for (int i = 0; i < code.length(); i++) {
      char c = code.charAt(i);
      if (!pendingClose.isEmpty() && pendingClose.peek() == open.size() && (c == ',' || c == ')')) {
        out.append(')');
        pendingClose.pop();
      }
      if (c == '(' || c == '[' || c == '{') {
        open.push(c);
      } else if ((c == ')' || c == ']' || c == '}') && !open.isEmpty()) {
        open.pop();
      }
      out.append(c);
      boolean assignment = c == '=' && i + 1 < code.length() && code.charAt(i + 1) != '='
          && i > 0 && "=!<>".indexOf(code.charAt(i - 1)) < 0;
      if (assignment && !open.isEmpty() && open.peek() == '(' && precededByName(code, i)) {
        out.append('(');
        pendingClose.push(open.size());
      }
    }
    while (!pendingClose.isEmpty()) {
      out.append(')');
      pendingClose.pop();
    }
    return out.toString();
  }

  private static boolean precededByName(String code, int at) {
    int j = at - 1;
    while (j >= 0 && code.charAt(j) == ' ') {
      j--;
    }
    return j >= 0 && Character.isJavaIdentifierPart(code.charAt(j)) && code.charAt(j) > 2;
  }

  private static String renameConstants(String code) {
    StringBuilder out = new StringBuilder(code.length());
    int i = 0;
    while (i < code.length()) {
      char c = code.charAt(i);
      if (Character.isJavaIdentifierStart(c)) {
        int j = i;
        while (j < code.length() && Character.isJavaIdentifierPart(code.charAt(j)) && code.charAt(j) > 2) {
          j++;
        }
        String word = code.substring(i, j);
        boolean attribute = i > 0 && code.charAt(i - 1) == '.';
        out.append(attribute ? word : switch (word) {
          case "True" -> "true";
          case "False" -> "false";
          case "None" -> "none";
          default -> word;
        });
        i = j;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
