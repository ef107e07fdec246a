package io.longctx.transforms.synth;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashSet;
import java.util.Set;

/**
 * DocMath-like numeric reasoning: a yearly series for one entity, shown as a table or described as a figure;
 * the question asks for the sum, difference, ratio or percent change of values from it. Values are two-digit
 * numbers and ratio / percent-change series are drawn so the gold is exact with at most two decimals; the gold
 * is a plain number ({@code 27}, {@code 12.5}, {@code -25}).
 */
final class DocMathTask {
  /** Operation codes written to {@code difficulty.op}. */
  static final int SUM = 1;
  static final int DIFFERENCE = 2;
  static final int RATIO = 3;
  static final int PERCENT_CHANGE = 4;

  private DocMathTask() {}

  static Draft draft(TaskContext ctx) {
    Draft d = new Draft();
    String entity = ctx.pool.name();
    String metric = Lexicon.pick(ctx.rng, Lexicon.METRICS);
    int terms = ctx.config.docmathTerms();
    int years = Math.max(3, terms) + ctx.rng.nextInt(2);
    int firstYear = 2001 + ctx.rng.nextInt(20);
    int[] values = new int[years];
    for (int i = 0; i < years; i++) {
      values[i] = twoDigit(ctx);
    }
    String op = ctx.config.docmathOps().get(ctx.rng.nextInt(ctx.config.docmathOps().size()));
    String reasoning = switch (op) {
      case "sum" -> sum(ctx, d, entity, metric, firstYear, values, terms);
      case "difference" -> difference(ctx, d, entity, metric, firstYear, values);
      case "ratio" -> ratio(ctx, d, entity, metric, firstYear, values);
      default -> percentChange(ctx, d, entity, metric, firstYear, values);
    };
    d.trace = Draft.answerTrace(reasoning, d.answer);
    int distractors = ctx.distractorCount(d.targetDocChars);
    d.anchor(series(ctx, entity, metric, firstYear, values), ctx.rng.nextDouble());
    Set<String> usedMetrics = new HashSet<>();
    usedMetrics.add(metric);
    for (int j = 0; j < distractors; j++) {
      d.distractors.add(distractor(ctx, entity, metric, firstYear, values, usedMetrics, j));
    }
    d.difficulty.put("years", years);
    return d;
  }

  private static String sum(TaskContext ctx, Draft d, String e, String m, int y0, int[] v, int terms) {
    boolean[] pick = new boolean[v.length];
    for (int chosen = 0; chosen < terms; ) {
      int i = ctx.rng.nextInt(v.length);
      if (!pick[i]) {
        pick[i] = true;
        chosen++;
      }
    }
    StringBuilder yearsText = new StringBuilder();
    StringBuilder seen = new StringBuilder(e);
    StringBuilder expr = new StringBuilder();
    int total = 0;
    int listed = 0;
    for (int i = 0; i < v.length; i++) {
      if (!pick[i]) {
        continue;
      }
      listed++;
      yearsText.append(listed == 1 ? "" : listed == terms ? " and " : ", ").append(y0 + i);
      seen.append(listed == 1 ? " " : ", ").append(y0 + i).append(' ').append(v[i]);
      expr.append(listed == 1 ? "" : "+").append(v[i]);
      total += v[i];
    }
    ctx.settle(d, "What were the total " + m + " of " + e + " in " + yearsText + "?");
    d.answer = Integer.toString(total);
    d.difficulty.put("op", SUM);
    d.difficulty.put("terms", terms);
    return seen + ". " + expr + "=" + total + ".";
  }

  private static String difference(TaskContext ctx, Draft d, String e, String m, int y0, int[] v) {
    int[] ab = twoIndices(ctx, v.length);
    while (v[ab[0]] == v[ab[1]]) {
      v[ab[1]] = twoDigit(ctx);
    }
    int hi = v[ab[0]] > v[ab[1]] ? ab[0] : ab[1];
    int lo = hi == ab[0] ? ab[1] : ab[0];
    ctx.settle(d, "How many more " + m + " did " + e + " have in " + (y0 + hi) + " than in " + (y0 + lo) + "?");
    d.answer = Integer.toString(v[hi] - v[lo]);
    d.difficulty.put("op", DIFFERENCE);
    d.difficulty.put("terms", 2);
    return seen(e, y0, v, hi, lo) + v[hi] + "-" + v[lo] + "=" + d.answer + ".";
  }

  private static String ratio(TaskContext ctx, Draft d, String e, String m, int y0, int[] v) {
    int[] ab = twoIndices(ctx, v.length);
    while (v[ab[0]] == v[ab[1]] || (v[ab[0]] * 100) % v[ab[1]] != 0) {
      v[ab[0]] = twoDigit(ctx);
      v[ab[1]] = twoDigit(ctx);
    }
    int a = ab[0];
    int b = ab[1];
    ctx.settle(d, "What is the ratio of the " + m + " of " + e + " in " + (y0 + a) + " to " + (y0 + b) + "?");
    d.answer = plain(BigDecimal.valueOf(v[a]).divide(BigDecimal.valueOf(v[b]), 2, RoundingMode.UNNECESSARY));
    d.difficulty.put("op", RATIO);
    d.difficulty.put("terms", 2);
    return seen(e, y0, v, a, b) + v[a] + "/" + v[b] + "=" + d.answer + ".";
  }

  private static String percentChange(TaskContext ctx, Draft d, String e, String m, int y0, int[] v) {
    int[] ab = twoIndices(ctx, v.length);
    int a = Math.min(ab[0], ab[1]);
    int b = Math.max(ab[0], ab[1]);
    while (v[a] == v[b] || ((v[b] - v[a]) * 1000) % v[a] != 0) {
      v[a] = twoDigit(ctx);
      v[b] = twoDigit(ctx);
    }
    ctx.settle(d, "What is the percent change in the " + m + " of " + e + " from " + (y0 + a) + " to " + (y0 + b)
        + "?");
    BigDecimal change = BigDecimal.valueOf((long) (v[b] - v[a]) * 100)
        .divide(BigDecimal.valueOf(v[a]), 1, RoundingMode.UNNECESSARY);
    d.answer = plain(change);
    d.difficulty.put("op", PERCENT_CHANGE);
    d.difficulty.put("terms", 2);
    return seen(e, y0, v, a, b) + "(" + v[b] + "-" + v[a] + ")/" + v[a] + "*100=" + d.answer + ".";
  }

  private static String seen(String e, int y0, int[] v, int first, int second) {
    return e + " " + (y0 + first) + " " + v[first] + ", " + (y0 + second) + " " + v[second] + ". ";
  }

  private static Draft.Item distractor(TaskContext ctx, String entity, String metric, int y0, int[] values,
      Set<String> usedMetrics, int j) {
    int[] v = new int[values.length];
    if (ctx.similarity() >= 2 && j % 2 == 0) {
      for (int i = 0; i < v.length; i++) {
        v[i] = Math.min(99, Math.max(10, values[i] + ctx.rng.nextInt(7) - 3));
      }
      return series(ctx, ctx.pool.nearName(entity), metric, y0, v);
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = twoDigit(ctx);
    }
    if (ctx.similarity() >= 2) {
      for (String other : Lexicon.METRICS) {
        if (usedMetrics.add(other)) {
          return series(ctx, entity, other, y0, v);
        }
      }
    }
    return series(ctx, ctx.pool.name(), Lexicon.pick(ctx.rng, Lexicon.METRICS), y0, v);
  }

  /** A series as a table block or a figure sentence. */
  static Draft.Item series(TaskContext ctx, String entity, String metric, int y0, int[] v) {
    int number = 1 + ctx.rng.nextInt(9);
    if (ctx.rng.nextBoolean()) {
      StringBuilder t = new StringBuilder("Table ").append(number).append(": ").append(metric).append(" of ")
          .append(entity).append(".\nYear | ").append(Character.toUpperCase(metric.charAt(0)))
          .append(metric.substring(1));
      for (int i = 0; i < v.length; i++) {
        t.append('\n').append(y0 + i).append(" | ").append(v[i]);
      }
      return new Draft.Item(t.toString(), true);
    }
    StringBuilder f = new StringBuilder("Figure ").append(number).append(" shows the ").append(metric).append(" of ")
        .append(entity).append(':');
    for (int i = 0; i < v.length; i++) {
      f.append(i == 0 ? " " : i == v.length - 1 ? " and " : ", ").append(v[i]).append(" in ").append(y0 + i);
    }
    return Draft.Item.sentence(f.append('.').toString());
  }

  private static int[] twoIndices(TaskContext ctx, int n) {
    int a = ctx.rng.nextInt(n);
    int b = (a + 1 + ctx.rng.nextInt(n - 1)) % n;
    return new int[] {a, b};
  }

  private static int twoDigit(TaskContext ctx) {
    return 10 + ctx.rng.nextInt(90);
  }

  static String plain(BigDecimal x) {
    BigDecimal s = x.stripTrailingZeros();
    return s.signum() == 0 ? "0" : s.toPlainString();
  }
}
