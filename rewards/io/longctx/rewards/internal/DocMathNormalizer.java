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
  private static final Pattern UNIT_AFTER = Pattern.compile("^([-+]?(?:[\\d,]*\\.*\\d+)) [^0-9 ]+(?=\\n?\\z)", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern UNIT_BEFORE = Pattern.compile("^[^0-9 ]+ ([-+]?(?:[\\d,]*\\.*\\d+))(?=\\n?\\z)", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern SUFFIX = Pattern.compile("^([-+]?(?:[\\d,]*\\.*\\d+))[^\\d]{1,2}(?=\\n?\\z)", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern PREFIX = Pattern.compile("^[^-+\\d]{1,2}((?:[\\d,]*\\.*\\d+))(?=\\n?\\z)", Pattern.UNICODE_CHARACTER_CLASS);
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

  private static String dropUnits(String in) {
    String p = in;
    Matcher m = UNIT_AFTER.matcher(p);
    if (m.find()) {
      p = m.group(1);
    }
    m = UNIT_BEFORE.matcher(p);
    if (m.find()) {
      p = m.group(1);
    }
    m = SUFFIX.matcher(p);
    if (m.find()) {
      p = m.group(1);
    }
    m = PREFIX.matcher(p);
    if (m.find()) {
      p = m.group(1);
    }
    return p;
  }

  private static String lastPart(String s, String sep) {
    return s.substring(s.lastIndexOf(sep) + sep.length());
  }
}
