package io.longctx.rewards.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference DocMath answer normalisation, step for step: strip, currency and scale words, "=" / "≈"
 * prefixes, backticks, percent, dollar and degree signs, yes/no/true/false, "approximately", "a or b", units
 * before or after the number, "x 10^n" scientific notation, thousands separators, multiple-choice options; the
 * resulting text is then evaluated by {@link SafeArithmetic} (never by a script engine). Where the reference's
 * {@code eval} raises, the value is 0, as in the reference.
 */
public final class DocMathNormalizer {
  private static final String[] MONEY = {"£", "€", "¥", "million", "billion", "thousand", "US", "USD", "RMB"};
  private static final Pattern POW10 = Pattern.compile("10\\^(-?\\d+)", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern IS_NUMBER = Pattern.compile("^[-+]?(\\d{1,3}(,\\d{3})*|(\\d+))(\\.\\d+)?(?=\\n?\\z)", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern OPTION = Pattern.compile("\\([a-d]\\)");

  private DocMathNormalizer() {}

  /** Normalises {@code prediction} and evaluates it; never throws. */
  public static PyValue normalize(String prediction) {
    String p = normalizeText(prediction);
    PyValue v = SafeArithmetic.eval(p);
    return v == null ? PyValue.ZERO : v;
  }

  /** The text the reference hands to {@code eval}. */
  public static String normalizeText(String prediction) {
    String p = prediction == null ? "0" : prediction;
    p = PyText.strip(p);
    p = PyText.rstrip(p, ".");
    for (String money : MONEY) {
      p = p.replace(money, "");
    }
    if (p.contains("=")) {
      p = PyText.strip(lastPart(p, "="));
    }
    if (p.contains("≈")) {
      p = PyText.strip(lastPart(p, "≈"));
    }
    p = p.replace("`", "").replace("%", "").replace("$", "").replace("°", "");
    if (p.equals("true") || p.equals("yes")) {
      p = "True";
    } else if (p.equals("false") || p.equals("no")) {
      p = "False";
    }
    if (p.contains("True") || p.contains("False")) {
      p = p.contains("True") ? "True" : "False";
    }
    if (p.contains("approximately")) {
      p = PyText.strip(p.replace("approximately", ""));
    }
    if (p.contains(" or ")) {
      p = p.substring(0, p.indexOf(" or "));
    }
    p = dropUnits(p);
    if (p.contains("10^")) {
      p = POW10.matcher(p).replaceAll("math.pow(10, $1)");
    }
    p = p.replace(" x ", "*").replace(" × ", "*");
    if (IS_NUMBER.matcher(p).find()) {
      p = p.replace(",", "");
    }
    if (p.contains("(a)") || p.contains("(b)") || p.contains("(c)") || p.contains("(d)")) {
      Matcher m = OPTION.matcher(p);
      m.find();
      p = "\"" + m.group() + "\"";
    }
    return p.isEmpty() ? "0" : p;
  }

  /**
   * The reference's four unit-dropping regexes, evaluated without backtracking (its {@code [\d,]*\.*\d+} is
   * quadratic on long digit runs). N below is that number shape; "$" allows one final newline, as in Python.
   */
  static String dropUnits(String in) {
    String p = in;
    String m = unitAfter(p); // "N unit"
    if (m != null) {
      p = m;
    }
    m = unitBefore(p); // "unit N"
    if (m != null) {
      p = m;
    }
    m = suffix(p); // "N" + 1-2 non-digits
    if (m != null) {
      p = m;
    }
    m = prefix(p); // 1-2 non-sign non-digits + "N"
    if (m != null) {
      p = m;
    }
    return p;
  }

  /** {@code ^([-+]?N) [^0-9 ]+$}: group 1 or null. */
  static String unitAfter(String s) {
    int k = s.indexOf(' ');
    if (k < 0 || s.indexOf(' ', k + 1) >= 0 || k + 1 >= s.length()) {
      return null;
    }
    String unit = s.substring(k + 1);
    for (int i = 0; i < unit.length(); i++) {
      char c = unit.charAt(i);
      if (c >= '0' && c <= '9') {
        return null;
      }
    }
    String num = s.substring(0, k);
    return isSignedNumber(num) ? num : null;
  }

  /** {@code ^[^0-9 ]+ ([-+]?N)$}: group 1 or null. */
  static String unitBefore(String s) {
    int k = s.indexOf(' ');
    if (k <= 0 || s.indexOf(' ', k + 1) >= 0) {
      return null;
    }
    for (int i = 0; i < k; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        return null;
      }
    }
    String num = dropFinalNewline(s.substring(k + 1));
    return isSignedNumber(num) ? num : null;
  }

  /** {@code ^([-+]?N)[^\d]{1,2}$}: group 1 or null. N ends at the last digit, so the split is unique. */
  static String suffix(String s) {
    int lastDigit = -1;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (Character.isDigit(cp)) {
        lastDigit = i;
      }
      i += Character.charCount(cp);
    }
    if (lastDigit < 0) {
      return null;
    }
    int split = lastDigit + Character.charCount(s.codePointAt(lastDigit));
    String tail = s.substring(split);
    int tailLen = tail.codePointCount(0, tail.length());
    boolean ok = (tailLen >= 1 && tailLen <= 2)
        || (tail.endsWith("\n") && tailLen - 1 >= 1 && tailLen - 1 <= 2);
    String num = s.substring(0, split);
    return ok && isSignedNumber(num) ? num : null;
  }

  /** {@code ^[^-+\d]{1,2}(N)$}: group 1 or null; the prefix is greedy (two characters tried first). */
  static String prefix(String s) {
    String t = dropFinalNewline(s);
    for (int k = 2; k >= 1; k--) {
      int end = 0;
      boolean ok = true;
      for (int i = 0; i < k; i++) {
        if (end >= t.length()) {
          ok = false;
          break;
        }
        int cp = t.codePointAt(end);
        if (cp == '-' || cp == '+' || Character.isDigit(cp)) {
          ok = false;
          break;
        }
        end += Character.charCount(cp);
      }
      if (ok && isNumber(t.substring(end))) {
        return t.substring(end);
      }
    }
    return null;
  }

  private static String dropFinalNewline(String s) {
    return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
  }

  private static boolean isSignedNumber(String s) {
    return !s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+') ? isNumber(s.substring(1)) : isNumber(s);
  }

  /** Whether the whole of {@code s} matches {@code [\d,]*\.*\d+} (Unicode digits, as Python's {@code \d}). */
  static boolean isNumber(String s) {
    int i = 0;
    int n = s.length();
    while (i < n) { // [\d,]*
      int cp = s.codePointAt(i);
      if (cp == ',' || Character.isDigit(cp)) {
        i += Character.charCount(cp);
      } else {
        break;
      }
    }
    if (i == n) {
      // no dots: the run must end with a digit (the \d+ part)
      return n > 0 && Character.isDigit(s.codePointBefore(n));
    }
    if (s.charAt(i) != '.') {
      return false;
    }
    while (i < n && s.charAt(i) == '.') {
      i++;
    }
    int digitsStart = i;
    while (i < n) {
      int cp = s.codePointAt(i);
      if (!Character.isDigit(cp)) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return i > digitsStart;
  }

  private static String lastPart(String s, String sep) {
    return s.substring(s.lastIndexOf(sep) + sep.length());
  }
}
