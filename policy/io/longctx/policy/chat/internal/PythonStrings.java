package io.longctx.policy.chat.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Python's {@code str} methods as chat templates call them ({@code content.split('</think>')[-1].lstrip('\n')}),
 * with Python's results: {@code split} keeps trailing empty parts, {@code strip()} strips Python's whitespace.
 */
final class PythonStrings {
  private PythonStrings() {}

  /** Whether {@code method} is a {@code str} method that {@link #invoke} implements. */
  static boolean has(String method) {
    return switch (method) {
      case "startswith", "endswith", "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "upper", "lower",
          "title", "capitalize", "replace", "find", "rfind", "count", "join", "removeprefix", "removesuffix",
          "isspace", "isdigit", "isalpha", "isalnum", "isupper", "islower", "format" -> true;
      default -> false;
    };
  }

  static Object invoke(String s, String method, Object[] args) {
    return switch (method) {
      case "startswith" -> anyOf(args[0], p -> s.startsWith(p));
      case "endswith" -> anyOf(args[0], p -> s.endsWith(p));
      case "strip" -> strip(s, chars(args), true, true);
      case "lstrip" -> strip(s, chars(args), true, false);
      case "rstrip" -> strip(s, chars(args), false, true);
      case "split" -> split(s, arg(args, 0), maxsplit(args));
      case "rsplit" -> rsplit(s, arg(args, 0), maxsplit(args));
      case "splitlines" -> splitlines(s);
      case "upper" -> s.toUpperCase(Locale.ROOT);
      case "lower" -> s.toLowerCase(Locale.ROOT);
      case "title" -> title(s);
      case "capitalize" -> s.isEmpty() ? s
          : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
      case "replace" -> replace(s, str(args[0]), str(args[1]), args.length > 2 ? toInt(args[2]) : -1);
      case "find" -> s.indexOf(str(args[0]));
      case "rfind" -> s.lastIndexOf(str(args[0]));
      case "count" -> count(s, str(args[0]));
      case "join" -> join(s, args[0]);
      case "removeprefix" -> s.startsWith(str(args[0])) ? s.substring(str(args[0]).length()) : s;
      case "removesuffix" -> s.endsWith(str(args[0])) && !str(args[0]).isEmpty()
          ? s.substring(0, s.length() - str(args[0]).length()) : s;
      case "isspace" -> !s.isEmpty() && s.chars().allMatch(PythonStrings::isSpace);
      case "isdigit" -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
      case "isalpha" -> !s.isEmpty() && s.chars().allMatch(Character::isLetter);
      case "isalnum" -> !s.isEmpty() && s.chars().allMatch(Character::isLetterOrDigit);
      case "isupper" -> !s.equals(s.toLowerCase(Locale.ROOT)) && s.equals(s.toUpperCase(Locale.ROOT));
      case "islower" -> !s.equals(s.toUpperCase(Locale.ROOT)) && s.equals(s.toLowerCase(Locale.ROOT));
      case "format" -> format(s, args);
      default -> throw new IllegalArgumentException("str has no method '" + method + "'");
    };
  }

  /** Python's {@code str.isspace} for one character. */
  static boolean isSpace(int c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
  }

  private static boolean isLineBreak(char c) {
    return "\n\r\u000b\u000c\u001c\u001d\u001e\u0085\u2028\u2029".indexOf(c) >= 0;
  }

  private static List<String> splitlines(String s) {
    List<String> out = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (isLineBreak(c)) {
        out.add(s.substring(from, i));
        if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
          i++;
        }
        from = i + 1;
      }
    }
    if (from < s.length()) {
      out.add(s.substring(from));
    }
    return out;
  }

  static String strip(String s, String chars, boolean left, boolean right) {
    int from = 0;
    int to = s.length();
    while (left && from < to && (chars == null ? isSpace(s.charAt(from)) : chars.indexOf(s.charAt(from)) >= 0)) {
      from++;
    }
    while (right && to > from && (chars == null ? isSpace(s.charAt(to - 1)) : chars.indexOf(s.charAt(to - 1)) >= 0)) {
      to--;
    }
    return s.substring(from, to);
  }

  static List<String> split(String s, String sep, int maxsplit) {
    List<String> out = new ArrayList<>();
    if (sep == null) {
      int i = 0;
      while (i < s.length()) {
        while (i < s.length() && isSpace(s.charAt(i))) {
          i++;
        }
        if (i == s.length()) {
          break;
        }
        if (maxsplit >= 0 && out.size() == maxsplit) {
          out.add(strip(s.substring(i), null, false, true));
          return out;
        }
        int j = i;
        while (j < s.length() && !isSpace(s.charAt(j))) {
          j++;
        }
        out.add(s.substring(i, j));
        i = j;
      }
      return out;
    }
    if (sep.isEmpty()) {
      throw new IllegalArgumentException("empty separator");
    }
    int from = 0;
    for (int at = s.indexOf(sep); at >= 0 && (maxsplit < 0 || out.size() < maxsplit); at = s.indexOf(sep, from)) {
      out.add(s.substring(from, at));
      from = at + sep.length();
    }
    out.add(s.substring(from));
    return out;
  }

  private static List<String> rsplit(String s, String sep, int maxsplit) {
    if (sep == null || maxsplit < 0) {
      return split(s, sep, maxsplit);
    }
    List<String> out = new ArrayList<>();
    int to = s.length();
    for (int at = s.lastIndexOf(sep, to - sep.length()); at >= 0 && out.size() < maxsplit;
        at = s.lastIndexOf(sep, to - sep.length())) {
      out.add(0, s.substring(at + sep.length(), to));
      to = at;
    }
    out.add(0, s.substring(0, to));
    return out;
  }

  private static String title(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    boolean previousCased = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      sb.append(previousCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
      previousCased = Character.isLetter(c);
    }
    return sb.toString();
  }

  private static String replace(String s, String old, String by, int count) {
    if (count < 0) {
      return s.replace(old, by);
    }
    StringBuilder sb = new StringBuilder();
    int from = 0;
    for (int n = 0; n < count; n++) {
      int at = s.indexOf(old, from);
      if (at < 0) {
        break;
      }
      sb.append(s, from, at).append(by);
      from = at + old.length();
      if (old.isEmpty()) {
        if (from < s.length()) {
          sb.append(s.charAt(from));
        }
        from++;
      }
    }
    return from <= s.length() ? sb.append(s.substring(Math.min(from, s.length()))).toString() : sb.toString();
  }

  private static int count(String s, String sub) {
    if (sub.isEmpty()) {
      return s.length() + 1;
    }
    int n = 0;
    for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
      n++;
    }
    return n;
  }

  private static String join(String sep, Object items) {
    List<String> parts = new ArrayList<>();
    for (Object o : PythonValues.iterate(items)) {
      parts.add(str(o));
    }
    return String.join(sep, parts);
  }

  /** {@code str.format} with positional fields ({@code {}}, {@code {0}}) and {@code {{ }}} escapes. */
  private static String format(String s, Object[] args) {
    StringBuilder sb = new StringBuilder();
    int auto = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c == '{' || c == '}') && i + 1 < s.length() && s.charAt(i + 1) == c) {
        sb.append(c);
        i++;
      } else if (c == '{') {
        int end = s.indexOf('}', i);
        String field = s.substring(i + 1, end);
        sb.append(PythonValues.str(args[field.isEmpty() ? auto++ : Integer.parseInt(field)]));
        i = end;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean anyOf(Object prefixes, java.util.function.Predicate<String> test) {
    if (prefixes instanceof String p) {
      return test.test(p);
    }
    for (Object p : PythonValues.iterate(prefixes)) {
      if (test.test(str(p))) {
        return true;
      }
    }
    return false;
  }

  private static String chars(Object[] args) {
    return arg(args, 0);
  }

  private static String arg(Object[] args, int i) {
    return args.length > i && args[i] != null ? str(args[i]) : null;
  }

  private static int maxsplit(Object[] args) {
    return args.length > 1 && args[1] != null ? toInt(args[1]) : -1;
  }

  private static int toInt(Object o) {
    return ((Number) o).intValue();
  }

  private static String str(Object o) {
    return PythonValues.str(o);
  }
}
