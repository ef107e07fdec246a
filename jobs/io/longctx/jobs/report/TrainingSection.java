package io.longctx.jobs.report;

import static org.apache.spark.sql.functions.col;

import io.longctx.jobs.Warehouse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Section 1: the RL run's curves from {@code metrics} (one small chart per metric), the wall time of each step
 * stacked by stage, the per-step table, and the warm-up SFT run's loss when {@code <run>-sft} has metrics.
 */
final class TrainingSection {
  static final String ID = "training";
  static final String TITLE = "1. Training curves";

  static final List<String> CURVES = List.of("reward_mean", "accuracy", "kept_group_fraction",
      "wasted_rollout_share", "response_len_mean", "response_len_max", "entropy", "grad_norm", "lr", "loss",
      "clip_fraction", "updates", "tokens");
  static final List<String> TABLE = List.of("reward_mean", "accuracy", "kept_group_fraction",
      "wasted_rollout_share", "response_len_mean",
      "entropy", "grad_norm", "lr", "loss", "hard_samples", "time_total_s");
  static final List<String> SFT = List.of("loss", "grad_norm", "lr", "entropy");
  /** QwenLong-L1.5's entropy controls (AEPO, negative clipping): drawn only for runs that used them. */
  static final List<String> ENTROPY_CONTROL =
      List.of("sampling_entropy", "aepo_negatives_masked", "aepo_dropped", "negative_clip_token_fraction");

  /** Stage name -> metrics column of the time breakdown, in stacking order. */
  static final Map<String, String> TIMES = new LinkedHashMap<>();

  static {
    TIMES.put("rollout", "time_rollout_s");
    TIMES.put("reward", "time_reward_s");
    TIMES.put("optimizer", "time_optimizer_s");
    TIMES.put("IO", "time_io_s");
    TIMES.put("collect", "time_collect_s");
  }

  private TrainingSection() {}

  static void render(ReportContext ctx, Html html) throws IOException {
    html.h2(ID, TITLE);
    Optional<Dataset<Row>> metrics = ctx.table(Warehouse.METRICS);
    if (metrics.isEmpty()) {
      html.unavailable(ctx.missing(Warehouse.METRICS));
      return;
    }
    Dataset<Row> mine = metrics.get().where(col("run").equalTo(ctx.run()));
    List<Row> rows = mine.orderBy("step").collectAsList();
    if (rows.isEmpty()) {
      html.unavailable("the metrics table has no rows for run '" + ctx.run() + "' (no training step committed)");
    } else {
      html.note(rows.size() + " committed steps (" + rows.get(0).getAs("step") + " to "
          + rows.get(rows.size() - 1).getAs("step") + ") of run '" + ctx.run() + "' from " + ctx.path(Warehouse.METRICS)
          + ". Timings are wall-clock seconds; wasted_rollout_share = the share of the step's rollouts (extra"
          + " dynamic-sampling batches included) in zero-variance groups, which the update drops.");
      curves(ctx, html, mine, CURVES, "curves.png", "training curves of run " + ctx.run());
      entropyControl(ctx, html, mine);
      timeBreakdown(ctx, html, rows);
      html.h3("Per step");
      html.table(header("step", "phase", "kind", TABLE), tableRows(rows, List.of("step", "phase", "kind"), TABLE));
    }
    sft(ctx, html, metrics.get());
  }

  private static void entropyControl(ReportContext ctx, Html html, Dataset<Row> mine) throws IOException {
    if (!List.of(mine.columns()).contains("aepo_negatives_masked")
        || mine.where(col("aepo_negatives_masked").isNotNull()).isEmpty()) {
      return; // a run without AEPO or negative clipping
    }
    html.h3("Entropy controls (AEPO, negative clipping)");
    html.note("sampling_entropy: mean token entropy of the training batch under the sampling policy (nats); "
        + "aepo_negatives_masked: 1 while the AEPO gate trains on positive responses only; aepo_dropped: responses "
        + "it left out; negative_clip_token_fraction: share of the batch's tokens whose negative gradient was dropped.");
    curves(ctx, html, mine, ENTROPY_CONTROL, "entropy-control.png", "entropy controls of run " + ctx.run());
  }

  private static void sft(ReportContext ctx, Html html, Dataset<Row> metrics) throws IOException {
    html.h3("Warm-up SFT (run " + ctx.sftRun() + ")");
    Dataset<Row> sft = metrics.where(col("run").equalTo(ctx.sftRun()));
    List<Row> rows = sft.orderBy("step").collectAsList();
    if (rows.isEmpty()) {
      html.unavailable("the metrics table has no rows for run '" + ctx.sftRun()
          + "' (warm-up SFT was disabled or has not run for this run)");
      return;
    }
    html.note("One row per SFT epoch; loss is the mean token NLL of the reasoning traces over the epoch.");
    curves(ctx, html, sft, SFT, "sft-loss.png", "warm-up SFT curves of run " + ctx.sftRun());
    html.table(header("epoch", null, null, List.of("loss", "grad_norm", "lr", "groups", "time_total_s")),
        tableRows(rows, List.of("step"), List.of("loss", "grad_norm", "lr", "groups", "time_total_s")));
  }

  static void curves(ReportContext ctx, Html html, Dataset<Row> rows, List<String> columns, String file, String alt)
      throws IOException {
    List<String> present = columns.stream().filter(c -> List.of(rows.columns()).contains(c)).toList();
    List<String> drawn;
    try {
      drawn = MetricCurves.write(rows, present, ctx.dir().resolve(file));
    } catch (IllegalArgumentException e) {
      html.unavailable("no values to draw in " + present);
      return;
    }
    int[] size = MetricCurves.size(drawn.size());
    ctx.add(new ReportCharts.Png(file, size[0], size[1]));
    html.image(file, alt, size[0], size[1]);
    List<String> empty = present.stream().filter(c -> !drawn.contains(c)).toList();
    if (!empty.isEmpty()) {
      html.note("Not drawn (no values): " + String.join(", ", empty) + ".");
    }
  }

  private static void timeBreakdown(ReportContext ctx, Html html, List<Row> rows) throws IOException {
    html.h3("Time per step by stage");
    List<String> steps = new ArrayList<>();
    Map<String, List<Double>> series = new LinkedHashMap<>();
    TIMES.keySet().forEach(k -> series.put(k, new ArrayList<>()));
    List<Double> other = new ArrayList<>();
    boolean any = false;
    for (Row r : rows) {
      steps.add(String.valueOf(r.<Object>getAs("step")));
      double sum = 0;
      for (Map.Entry<String, String> t : TIMES.entrySet()) {
        Double v = value(r, t.getValue());
        any |= v != null;
        series.get(t.getKey()).add(v == null ? 0.0 : v);
        sum += v == null ? 0.0 : v;
      }
      Double total = value(r, "time_total_s");
      other.add(total == null ? 0.0 : Math.max(0.0, total - sum));
    }
    if (!any) {
      html.unavailable("no time_* columns have values for run '" + ctx.run() + "'");
      return;
    }
    if (other.stream().anyMatch(v -> v > 1e-3)) {
      series.put("other", other);
    }
    ReportCharts.Png png = ctx.add(ReportCharts.stackedBars(ctx.dir(), "time-breakdown.png",
        "Seconds per step by stage", "step", "seconds", steps, series));
    html.image(png.file(), "seconds per step by stage", png.width(), png.height());
    html.note("rollout = generating responses on the executors, reward = verifiers (and judge), collect = group"
        + " statistics and the kept rows to the driver, optimizer = old log-probs + DAPO updates, IO = Delta"
        + " writes and the checkpoint; other = time_total_s minus these.");
  }

  static Double value(Row r, String column) {
    int i;
    try {
      i = r.fieldIndex(column);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return r.isNullAt(i) ? null : ((Number) r.get(i)).doubleValue();
  }

  private static List<String> header(String a, String b, String c, List<String> rest) {
    List<String> h = new ArrayList<>();
    for (String s : new String[] {a, b, c}) {
      if (s != null) {
        h.add(s);
      }
    }
    h.addAll(rest);
    return h;
  }

  static List<List<Object>> tableRows(List<Row> rows, List<String> keys, List<String> metrics) {
    List<List<Object>> out = new ArrayList<>();
    for (Row r : rows) {
      List<Object> line = new ArrayList<>();
      for (String k : keys) {
        line.add(r.getAs(k));
      }
      for (String m : metrics) {
        line.add(value(r, m));
      }
      out.add(line);
    }
    return out;
  }
}
