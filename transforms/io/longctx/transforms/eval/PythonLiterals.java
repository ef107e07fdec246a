package io.longctx.transforms.eval;

import java.util.ArrayList;
import java.util.List;

/** Reads the Python {@code repr} of a list of strings, as pandas writes a list cell ({@code ['a', "b's"]}). */
final class PythonLiterals {
  private PythonLiterals() {}

  /** The strings, or null when {@code s} is not a list of string literals. */
  static List<String> stringList(String s) {
    try {
      return parse(s.strip());
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      return null;
    }
  }

  private static List<String> parse(String t) {
    if (t.length() < 2 || t.charAt(0) != '[' || t.charAt(t.length() - 1) != ']') {
      return null;
    }
    List<String> out = new ArrayList<>();
    int i = 1;
    int end = t.length() - 1;
    while (true) {
      i = skipSpaces(t, i, end);
      if (i >= end) {
        return out;
      }
      char q = t.charAt(i);
      if (q != '\'' && q != '"') {
        return null;
      }
      StringBuilder sb = new StringBuilder();
      i++;
      while (i < end && t.charAt(i) != q) {
        char c = t.charAt(i);
        if (c == '\\' && i + 1 < end) {
          char e = t.charAt(++i);
          switch (e) {
            case 'n' -> sb.append('\n');
            case 't' -> sb.append('\t');
            case 'r' -> sb.append('\r');
            case 'x' -> {
              if (i + 2 >= end) {
                return null;
              }
              sb.append((char) Integer.parseInt(t.substring(i + 1, i + 3), 16));
              i += 2;
            }
            case 'u' -> {
              if (i + 4 >= end) {
                return null;
              }
              sb.append((char) Integer.parseInt(t.substring(i + 1, i + 5), 16));
              i += 4;
            }
            default -> sb.append(e); // \\ \' \"
          }
        } else {
          sb.append(c);
        }
        i++;
      }
      if (i >= end) {
        return null; // unterminated literal
      }
      out.add(sb.toString());
      i = skipSpaces(t, i + 1, end);
      if (i < end) {
        if (t.charAt(i) != ',') {
          return null;
        }
        i++;
      }
    }
  }

  private static int skipSpaces(String t, int i, int end) {
    while (i < end && Character.isWhitespace(t.charAt(i))) {
      i++;
    }
    return i;
  }
}
