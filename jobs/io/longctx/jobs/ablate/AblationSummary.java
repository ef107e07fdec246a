package io.longctx.jobs.ablate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Held-out accuracy per config and length bucket over the finished seeds: mean and 95% t-interval ({@link MeanCi},
 * n = seeds finished). Accuracies are fractions in [0, 1]; the text and markdown show percentages.
 *
 * @param buckets bucket labels in order, {@link #ALL} last
 * @param items held-out items per bucket label (of the first finished run; every run evaluates the same set)
 * @param rows one row per config (and the warm-up SFT checkpoints alone, when evaluated), in the given order
 * @param wasted per config: each finished run's mean {@code wasted_rollout_share} over its RL steps (the share of
 *     rollouts in zero-variance groups), over the seeds; empty = not shown (the column appears when any config has it)
 */
public record AblationSummary(List<String> buckets, Map<String, Long> items, List<ConfigRow> rows,
    Map<String, MeanCi> wasted) {
  public static final String ALL = "all";
  /** The header of the wasted-rollout column. */
  public static final String WASTED = "wasted share";

  /** A summary without training statistics. */
  public AblationSummary(List<String> buckets, Map<String, Long> items, List<ConfigRow> rows) {
    this(buckets, items, rows, Map.of());
  }

  /**
   * One config.
   *
   * @param runs the finished runs (eval runs) whose accuracies went into the statistics
   * @param accuracy per bucket label (and {@link #ALL}): the per-seed accuracies and their mean and interval
   * @param seeds how many seeds were asked for (n may be less when some have not finished)
   */
  public record ConfigRow(String config, int seeds, List<String> runs, Map<String, MeanCi> accuracy) {
    public int n() {
      return runs.size();
    }
  }

  /**
   * Builds a row from per-run accuracies.
   *
   * @param perRun run -> bucket label -> accuracy (runs in seed order; a missing bucket counts as not measured)
   */
  public static ConfigRow row(String config, int seeds, List<String> buckets, Map<String, Map<String, Double>> perRun) {
    Map<String, MeanCi> acc = new LinkedHashMap<>();
    for (String b : buckets) {
      List<Double> xs = new ArrayList<>();
      for (Map<String, Double> r : perRun.values()) {
        Double v = r.get(b);
        if (v != null && !v.isNaN()) {
          xs.add(v);
        }
      }
      acc.put(b, MeanCi.of(xs));
    }
    return new ConfigRow(config, seeds, List.copyOf(perRun.keySet()), acc);
  }

  /** "85.0 ± 4.1" (percent, the 95% half-width), "85.0 (n=1)", or "-" when nothing finished. */
  public static String cell(MeanCi m) {
    if (m == null || m.n() == 0) {
      return "-";
    }
    if (m.n() == 1) {
      return String.format(Locale.ROOT, "%.1f (n=1)", 100 * m.mean());
    }
    return String.format(Locale.ROOT, "%.1f ± %.1f", 100 * m.mean(), 100 * m.halfWidth());
  }

  /** "0.868 ± 0.050" (the 95% half-width), "0.868 (n=1)", or "-". */
  public static String shareCell(MeanCi m) {
    if (m == null || m.n() == 0) {
      return "-";
    }
    if (m.n() == 1) {
      return String.format(Locale.ROOT, "%.3f (n=1)", m.mean());
    }
    return String.format(Locale.ROOT, "%.3f ± %.3f", m.mean(), m.halfWidth());
  }

  private boolean showsWasted() {
    return !wasted.isEmpty();
  }

  private String header(String b) {
    Long n = items.get(b);
    return n == null ? b : b + " (" + n + ")";
  }

  /** A fixed-width table: config, seeds finished / asked, one column per bucket, then all. */
  public String text() {
    List<List<String>> cells = new ArrayList<>();
    List<String> head = new ArrayList<>(List.of("config", "seeds"));
    buckets.forEach(b -> head.add(header(b)));
    if (showsWasted()) {
      head.add(WASTED);
    }
    cells.add(head);
    for (ConfigRow r : rows) {
      List<String> line = new ArrayList<>(List.of(r.config(), r.n() + "/" + r.seeds()));
      buckets.forEach(b -> line.add(cell(r.accuracy().get(b))));
      if (showsWasted()) {
        line.add(shareCell(wasted.get(r.config())));
      }
      cells.add(line);
    }
    int[] width = new int[head.size()];
    for (List<String> line : cells) {
      for (int i = 0; i < line.size(); i++) {
        width[i] = Math.max(width[i], line.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int l = 0; l < cells.size(); l++) {
      List<String> line = cells.get(l);
      for (int i = 0; i < line.size(); i++) {
        String fmt = i < 2 ? "%-" + width[i] + "s" : "%" + width[i] + "s";
        sb.append(i == 0 ? "" : "  ").append(String.format(fmt, line.get(i)));
      }
      sb.append('\n');
      if (l == 0) {
        int total = 0;
        for (int w : width) {
          total += w;
        }
        sb.append("-".repeat(total + 2 * (width.length - 1))).append('\n');
      }
    }
    return sb.toString();
  }

  /** A markdown table of the same cells (held-out accuracy %, mean ± 95% CI half-width over seeds). */
  public String markdown() {
    StringBuilder sb = new StringBuilder("| config | seeds |");
    buckets.forEach(b -> sb.append(' ').append(header(b)).append(" |"));
    if (showsWasted()) {
      sb.append(' ').append(WASTED).append(" |");
    }
    sb.append("\n| --- | --- |");
    buckets.forEach(b -> sb.append(" --- |"));
    if (showsWasted()) {
      sb.append(" --- |");
    }
    sb.append('\n');
    for (ConfigRow r : rows) {
      sb.append("| ").append(r.config()).append(" | ").append(r.n()).append('/').append(r.seeds()).append(" |");
      buckets.forEach(b -> sb.append(' ').append(cell(r.accuracy().get(b))).append(" |"));
      if (showsWasted()) {
        sb.append(' ').append(shareCell(wasted.get(r.config()))).append(" |");
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
