package io.longctx.policy.chat.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The code inside one Jinja2 tag ({@code {{ ... }}} or {@code {% ... %}}) rewritten for Jinjava's expression
 * parser, keeping Python's meaning:
 *
 * <ul>
 *   <li>string literals are decoded with Python's escapes ({@code '\\n'}, {@code '\\t'}, {@code '\\u00e9'}, ...) and
 *       written back with only the escapes Jinjava's scanner knows (a backslash, the quote), other characters raw;
 *   <li>Python slices {@code x[a:b:c]} become {@code py_slice(x, a, b, c)} ({@link Slices}: Jinjava has no step);
 *   <li>Python's {@code True}, {@code False} and {@code None} become {@code true}, {@code false} and {@code none};
 *   <li>a unary {@code not} gets its operand in parentheses, {@code not x is defined} becoming
 *       {@code not (x is defined)} and {@code not xs|length == 1} {@code not (xs|length == 1)}: in Python {@code not}
 *       binds looser than comparisons and tests, in Jinjava tighter;
 *   <li>keyword arguments get parentheses, {@code f(n=xs|length - 1)} becoming {@code f(n=(xs|length - 1))}: in Jinjava
 *       {@code n=xs|length} binds tighter than the subtraction.
 * </ul>
 */
final class Jinja2Expressions {
  private Jinja2Expressions() {}

  /** One past the closing quote of the literal opening at {@code start} (Python rules: backslash escapes). */
  static int literalEnd(String s, int start) {
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

  private static final Pattern FILTER = Pattern.compile("(?<!\\|)\\|\\s*([A-Za-z_]\\w*)");
  private static final Pattern TEST = Pattern.compile("\\bis\\s+(?:not\\s+)?([A-Za-z_]\\w*)");

  /**
   * Code inside one tag: literals re-escaped, Python constants renamed, slices rewritten, keyword arguments grouped
   * unless {@code groupKeywordArguments} is false (a macro's parameter list). The names of the filters and tests it
   * uses are added to {@code filters} and {@code tests} (Jinjava ignores unknown ones silently, Jinja2 refuses the
   * template).
   */
  static String translate(String code, Set<String> filters, Set<String> tests, boolean groupKeywordArguments) {
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
    Matcher f = FILTER.matcher(masked);
    while (f.find()) {
      filters.add(f.group(1));
    }
    Matcher t = TEST.matcher(masked);
    while (t.find()) {
      tests.add(t.group(1));
    }
    String grouped = groupNegations(renameConstants(masked.toString()));
    String rewritten = Slices.rewrite(groupKeywordArguments ? parenthesizeNamedArguments(grouped) : grouped);
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

  private static final Set<String> BEFORE_UNARY =
      Set.of("and", "or", "not", "if", "elif", "else", "in", "return", "");
  private static final Set<String> ENDS_NOT = Set.of("and", "or", "if", "else");

  /**
   * A unary {@code not} applies to the whole comparison after it, as in Python ({@code not x is defined},
   * {@code not xs|length == 1}): its operand is wrapped in parentheses up to the next {@code and}, {@code or},
   * {@code if}, {@code else}, comma or closing bracket.
   */
  static String groupNegations(String code) {
    TreeMap<Integer, String> inserts = new TreeMap<>();
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
    ArrayDeque<Character> open = new ArrayDeque<>();
    ArrayDeque<Integer> pendingClose = new ArrayDeque<>(); // bracket depth of open wraps
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
