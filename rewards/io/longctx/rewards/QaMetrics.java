package io.longctx.rewards;

import io.longctx.rewards.internal.PyText;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * SQuAD-style answer metrics as the reference computes them: normalisation (lower-case, ASCII punctuation
 * removed, articles a/an/the removed, whitespace collapsed), exact match, token F1 and sub-exact-match.
 */
public final class QaMetrics {
  private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  /** Python's {@code \b(a|an|the)\b} on str: word characters are Unicode letters, numbers and underscore. */
  private static final Pattern ARTICLES = Pattern.compile("(?<![\\p{L}\\p{N}_])(?:a|an|the)(?![\\p{L}\\p{N}_])");
  private static final List<String> YES_NO = List.of("yes", "no", "noanswer");

  private QaMetrics() {}

  /** SQuAD normalisation of an answer string. */
  public static String normalize(String s) {
    String lower = PyText.lower(s);
    StringBuilder sb = new StringBuilder(lower.length());
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      if (PUNCTUATION.indexOf(c) < 0) {
        sb.append(c);
      }
    }
    String noArticles = ARTICLES.matcher(sb).replaceAll(" ");
    return String.join(" ", PyText.split(noArticles));
  }

  /** Exact match after normalisation. */
  public static boolean exactMatch(String prediction, String gold) {
    return normalize(prediction).equals(normalize(gold));
  }

  /**
   * Sub-exact-match: either normalised string contains the other. An empty normalised prediction never matches
   * (the reference matches it, since "" is a substring of everything: the one deliberate deviation).
   */
  public static boolean subExactMatch(String prediction, String gold) {
    if (prediction == null || gold == null) {
      return false;
    }
    String p = normalize(prediction);
    String g = normalize(gold);
    if (p.isEmpty()) {
      return false;
    }
    return p.contains(g) || g.contains(p);
  }

  /**
   * Token F1 of the normalised strings; 0 when either side is yes/no/noanswer and they differ, or when no token
   * is shared.
   */
  public static double f1(String prediction, String gold) {
    String p = normalize(prediction);
    String g = normalize(gold);
    if ((YES_NO.contains(p) || YES_NO.contains(g)) && !p.equals(g)) {
      return 0.0;
    }
    List<String> pt = PyText.split(p);
    List<String> gt = PyText.split(g);
    Map<String, Integer> counts = new HashMap<>();
    for (String t : gt) {
      counts.merge(t, 1, Integer::sum);
    }
    int same = 0;
    for (String t : pt) {
      Integer c = counts.get(t);
      if (c != null && c > 0) {
        same++;
        counts.put(t, c - 1);
      }
    }
    if (same == 0) {
      return 0.0;
    }
    double precision = (double) same / pt.size();
    double recall = (double) same / gt.size();
    return 2 * precision * recall / (precision + recall);
  }
}
