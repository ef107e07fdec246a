package io.longctx.rewards.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Python {@code str} semantics that the reference reward code relies on: {@code strip()}, {@code strip(chars)},
 * {@code rstrip(chars)}, {@code split()} and {@code isspace()}. Java's {@code String.strip()} uses a different
 * whitespace set (it keeps U+00A0, U+0085, U+2007, U+202F), so parity needs these.
 */
public final class PyText {
  private PyText() {}

  /** Python's {@code str.isspace()} for one code point. */
  public static boolean isSpace(int cp) {
    switch (cp) {
      case '\t', '\n', 0x0B, 0x0C, '\r', 0x1C, 0x1D, 0x1E, 0x1F, ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F,
          0x205F, 0x3000 -> {
        return true;
      }
      default -> {
        return cp >= 0x2000 && cp <= 0x200A;
      }
    }
  }

  /** Python's {@code s.strip()}. */
  public static String strip(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isSpace(s.charAt(start))) {
      start++;
    }
    while (end > start && isSpace(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(start, end);
  }

  /** Python's {@code s.strip(chars)} for BMP characters. */
  public static String strip(String s, String chars) {
    int start = 0;
    int end = s.length();
    while (start < end && chars.indexOf(s.charAt(start)) >= 0) {
      start++;
    }
    while (end > start && chars.indexOf(s.charAt(end - 1)) >= 0) {
      end--;
    }
    return s.substring(start, end);
  }

  /** Python's {@code s.rstrip(chars)} for BMP characters. */
  public static String rstrip(String s, String chars) {
    int end = s.length();
    while (end > 0 && chars.indexOf(s.charAt(end - 1)) >= 0) {
      end--;
    }
    return s.substring(0, end);
  }

  /** Python's {@code s.split()}: runs of whitespace separate, no empty tokens. */
  public static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      while (i < n && isSpace(s.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !isSpace(s.charAt(i))) {
        i++;
      }
      if (i > start) {
        out.add(s.substring(start, i));
      }
    }
    return out;
  }

  /** Python's {@code s.lower()}: full Unicode lower-casing, locale-independent. */
  public static String lower(String s) {
    return s.toLowerCase(java.util.Locale.ROOT);
  }
}
