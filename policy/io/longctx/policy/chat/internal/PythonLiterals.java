package io.longctx.policy.chat.internal;

/**
 * String literals of Jinja2 templates: decoded with Python's escape sequences (Jinja2 applies the
 * {@code unicode-escape} codec), then written for Jinjava's scanner, which accepts only a backslash before a
 * backslash or the quote.
 */
final class PythonLiterals {
  private PythonLiterals() {}

  /** The value of a literal's body (between the quotes). Unknown escapes keep their backslash, as in Python. */
  static String decode(String body) {
    if (body.indexOf('\\') < 0) {
      return body;
    }
    StringBuilder sb = new StringBuilder(body.length());
    int i = 0;
    while (i < body.length()) {
      char c = body.charAt(i);
      if (c != '\\' || i + 1 == body.length()) {
        sb.append(c);
        i++;
        continue;
      }
      char e = body.charAt(i + 1);
      i += 2;
      switch (e) {
        case '\n' -> { }
        case '\\', '\'', '"' -> sb.append(e);
        case 'a' -> sb.append('\u0007');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'v' -> sb.append('\u000b');
        case 'x' -> i = hex(body, i, 2, sb, e);
        case 'u' -> i = hex(body, i, 4, sb, e);
        case 'U' -> i = hex(body, i, 8, sb, e);
        default -> {
          if (e >= '0' && e <= '7') {
            int end = i;
            while (end < body.length() && end < i + 2 && body.charAt(end) >= '0' && body.charAt(end) <= '7') {
              end++;
            }
            sb.appendCodePoint(Integer.parseInt(body.substring(i - 1, end), 8));
            i = end;
          } else {
            sb.append('\\').append(e);
          }
        }
      }
    }
    return sb.toString();
  }

  private static int hex(String body, int from, int digits, StringBuilder sb, char escape) {
    int end = from + digits;
    if (end > body.length() || !body.substring(from, end).chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
      throw new IllegalArgumentException("truncated \\" + escape + " escape in a string literal");
    }
    sb.appendCodePoint(Integer.parseInt(body.substring(from, end), 16));
    return end;
  }

  /** A single-quoted literal that Jinjava reads back as {@code value}. */
  static String toJinjava(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 2).append('\'');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' || c == '\'') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('\'').toString();
  }
}
