package io.longctx.policy.chat.internal;

/**
 * Rewrites Python slice subscripts {@code base[start:stop:step]} in one tag's code (string literals already masked as
 * {@code \u0001N\u0002}) into calls {@code py_slice(base, start, stop, step)}, missing parts as {@code none}.
 */
final class Slices {
  private Slices() {}

  static String rewrite(String code) {
    String s = code;
    for (int open = rightmostSlice(s); open >= 0; open = rightmostSlice(s)) {
      int close = matching(s, open);
      String[] parts = topLevelColons(s.substring(open + 1, close));
      int start = baseStart(s, open);
      StringBuilder call = new StringBuilder("py_slice(").append(s, start, open);
      for (int k = 0; k < 3; k++) {
        String p = k < parts.length ? parts[k].trim() : "";
        call.append(", ").append(p.isEmpty() ? "none" : p);
      }
      s = s.substring(0, start) + call.append(')') + s.substring(close + 1);
    }
    return s;
  }

  /** The rightmost (so innermost) bracket that slices the expression before it, or -1. */
  private static int rightmostSlice(String s) {
    for (int open = s.lastIndexOf('['); open >= 0; open = s.lastIndexOf('[', open - 1)) {
      int close = matching(s, open);
      if (close >= 0 && subscripts(s, open) && topLevelColons(s.substring(open + 1, close)) != null) {
        return open;
      }
    }
    return -1;
  }

  /** Whether the bracket at {@code open} subscripts the expression before it (not a list literal). */
  private static boolean subscripts(String s, int open) {
    if (open == 0) {
      return false;
    }
    char c = s.charAt(open - 1);
    return Character.isJavaIdentifierPart(c) && c > 2 || c == ')' || c == ']' || c == '\u0002';
  }

  private static int matching(String s, int open) {
    int depth = 0;
    for (int i = open; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '[' || c == '(' || c == '{') {
        depth++;
      } else if (c == ']' || c == ')' || c == '}') {
        if (--depth == 0) {
          return c == ']' ? i : -1;
        }
      }
    }
    return -1;
  }

  /** The subscript split at its top-level colons, or null when it has none (an index, not a slice). */
  private static String[] topLevelColons(String inner) {
    java.util.List<String> parts = new java.util.ArrayList<>();
    int depth = 0;
    int from = 0;
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (c == '[' || c == '(' || c == '{') {
        depth++;
      } else if (c == ']' || c == ')' || c == '}') {
        depth--;
      } else if (c == ':' && depth == 0) {
        parts.add(inner.substring(from, i));
        from = i + 1;
      }
    }
    if (parts.isEmpty() || parts.size() > 2) {
      return null;
    }
    parts.add(inner.substring(from));
    return parts.toArray(new String[0]);
  }

  /** Where the postfix expression ending just before {@code open} starts: names, dots, calls, subscripts. */
  private static int baseStart(String s, int open) {
    int i = open;
    while (i > 0) {
      char c = s.charAt(i - 1);
      if (c == ')' || c == ']') {
        i = opening(s, i - 1);
      } else if (c == '\u0002') {
        i = s.lastIndexOf('\u0001', i - 1);
        return i;
      } else if (Character.isJavaIdentifierPart(c) && c > 2) {
        while (i > 0 && Character.isJavaIdentifierPart(s.charAt(i - 1)) && s.charAt(i - 1) > 2) {
          i--;
        }
        if (i > 0 && s.charAt(i - 1) == '.') {
          i--;
        } else {
          return i;
        }
      } else {
        return i;
      }
    }
    return i;
  }

  private static int opening(String s, int close) {
    int depth = 0;
    for (int i = close; i >= 0; i--) {
      char c = s.charAt(i);
      if (c == ']' || c == ')' || c == '}') {
        depth++;
      } else if (c == '[' || c == '(' || c == '{') {
        if (--depth == 0) {
          return i;
        }
      }
    }
    return 0;
  }
}
