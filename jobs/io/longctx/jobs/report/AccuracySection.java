package io.longctx.jobs.report;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.longctx.curriculum.Curriculum;
import io.longctx.curriculum.CurriculumPhase;
import io.longctx.jobs.Warehouse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Section 2: held-out accuracy per evaluated checkpoint (phase) and prompt-length bucket from {@code eval_results}
 * (a grouped bar chart and a table), the per-step training accuracy per phase from {@code metrics}, and the
 * training accuracy per phase and bucket from {@code rollouts}. Buckets are the curation caps
 * ({@code curate.buckets}) over {@code prompt_tokens}.
 */
final class AccuracySection {
  static final String ID = "accuracy";
  static final String TITLE = "2. Accuracy per phase and length bucket";

  private AccuracySection() {}

  static void render(ReportContext ctx, Html html, EvalStages stages) throws IOException {
    html.h2(ID, TITLE);
    html.h3("Held-out accuracy per checkpoint and length bucket (eval_results)");
    if (stages.unavailable().isPresent()) {
      html.unavailable(stages.unavailable().get());
    } else {
      evalBuckets(ctx, html, stages);
    }
    html.h3("Training accuracy per step, by phase (metrics)");
    perStep(ctx, html);
    html.h3("Training accuracy per phase and length bucket (rollouts)");
    rollouts(ctx, html);
  }

  private static void evalBuckets(ReportContext ctx, Html html, EvalStages stages) throws IOException {
    Dataset<Row> rows = stages.rows().withColumn("bucket", ctx.bucket("prompt_tokens"));
    Map<String, Map<String, double[]>> byStage = new LinkedHashMap<>();
    stages.stages().forEach(s -> byStage.put(s.label(), new HashMap<>()));
    for (Row r : rows.groupBy("stage", "bucket").agg(avg("score"), count(lit(1))).collectAsList()) {
      byStage.get(r.getString(0)).put(r.getString(1), new double[] {r.getDouble(2), r.getLong(3)});
    }
    for (Row r : rows.groupBy("stage").agg(avg("score"), count(lit(1))).collectAsList()) {
      byStage.get(r.getString(0)).put("all", new double[] {r.getDouble(1), r.getLong(2)});
    }
    List<String> buckets = new ArrayList<>();
    for (String b : ctx.bucketLabels()) {
      if (byStage.values().stream().anyMatch(m -> m.containsKey(b))) {
        buckets.add(b);
      }
    }
    buckets.add("all");
    Map<String, List<Double>> series = new LinkedHashMap<>();
    List<List<Object>> table = new ArrayList<>();
    for (EvalStages.Stage s : stages.stages()) {
      Map<String, double[]> m = byStage.get(s.label());
      List<Double> ys = new ArrayList<>();
      List<Object> line = new ArrayList<>(List.of(s.label(), s.phase()));
      for (String b : buckets) {
        double[] v = m.get(b);
        ys.add(v == null ? null : v[0]);
        line.add(v == null ? null : v[0]);
      }
      line.add((long) m.get("all")[1]);
      series.put(s.label(), ys);
      table.add(line);
    }
    ReportCharts.Png png = ctx.add(ReportCharts.groupedBars(ctx.dir(), "accuracy-by-bucket.png",
        "Held-out mean score per length bucket", "prompt tokens (bucket)", "mean score", buckets, series));
    html.image(png.file(), "held-out mean score per length bucket and checkpoint", png.width(), png.height());
    List<String> header = new ArrayList<>(List.of("checkpoint", "phase"));
    header.addAll(buckets);
    header.add("responses");
    html.table(header, table);
    html.note("Mean score (max of rule and judge) over every response of every benchmark item, per bucket of the"
        + " templated prompt length before truncation (curate.buckets " + ctx.config().curate().buckets() + ").");
  }

  private static void perStep(ReportContext ctx, Html html) throws IOException {
    Optional<Dataset<Row>> metrics = ctx.table(Warehouse.METRICS);
    if (metrics.isEmpty()) {
      html.unavailable(ctx.missing(Warehouse.METRICS));
      return;
    }
    List<Row> rows = metrics.get().where(col("run").equalTo(ctx.run()).and(col("accuracy").isNotNull()))
        .select("step", "phase", "accuracy").orderBy("step").collectAsList();
    if (rows.isEmpty()) {
      html.unavailable("the metrics table has no accuracy values for run '" + ctx.run() + "'");
      return;
    }
    Map<Integer, List<double[]>> byPhase = new TreeMap<>();
    for (Row r : rows) {
      byPhase.computeIfAbsent(r.<Integer>getAs("phase"), k -> new ArrayList<>())
          .add(new double[] {r.<Long>getAs("step"), r.<Double>getAs("accuracy")});
    }
    Map<Integer, String> names = phaseNames(ctx);
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    byPhase.forEach((phase, points) -> series.put(name(names, phase), points));
    ReportCharts.Png png = ctx.add(ReportCharts.lines(ctx.dir(), "accuracy-per-phase.png",
        "Training accuracy per step", "step", "accuracy", series));
    html.image(png.file(), "training accuracy per step, one line per phase", png.width(), png.height());
  }

  private static void rollouts(ReportContext ctx, Html html) {
    Optional<Dataset<Row>> rollouts = ctx.table(Warehouse.ROLLOUTS);
    if (rollouts.isEmpty()) {
      html.unavailable(ctx.missing(Warehouse.ROLLOUTS));
      return;
    }
    List<Row> rows = rollouts.get().where(col("run").equalTo(ctx.run()))
        .withColumn("bucket", ctx.bucket("prompt_tokens"))
        .groupBy("phase", "bucket")
        .agg(countDistinct("sample_id"), count(lit(1)), avg(when(col("reward").geq(1.0), 1.0).otherwise(0.0)))
        .orderBy("phase", "bucket").collectAsList();
    if (rows.isEmpty()) {
      html.unavailable("the rollouts table has no rows for run '" + ctx.run() + "'");
      return;
    }
    Map<Integer, String> names = phaseNames(ctx);
    List<List<Object>> table = new ArrayList<>();
    for (Row r : rows) {
      table.add(List.of(name(names, r.getInt(0)), r.getString(1), r.getLong(2), r.getLong(3), r.getDouble(4)));
    }
    html.table(List.of("phase", "bucket", "prompts", "responses", "accuracy"), table);
    html.note("Accuracy = share of rolled-out responses with reward >= 1, over every step of the phase (including"
        + " retrospective picks of earlier phases' hard samples).");
  }

  /**
   * Phase number -> "phase 2 (long)": names from the run's commit records (what the run actually used), else from
   * the configured curriculum.
   */
  static Map<Integer, String> phaseNames(ReportContext ctx) {
    Map<Integer, String> out = new TreeMap<>();
    for (CurriculumPhase p : Curriculum.of(ctx.config().curriculum()).phases()) {
      out.put(p.number(), "phase " + p.number() + " (" + p.name() + ")");
    }
    Optional<Dataset<Row>> commits = ctx.table(Warehouse.CHECKPOINTS);
    if (commits.isPresent()) {
      for (Row r : commits.get().where(col("run").equalTo(ctx.run()).and(col("kind").equalTo("rl")))
          .select("phase", "phase_name").distinct().collectAsList()) {
        out.put(r.getInt(0), "phase " + r.getInt(0) + " (" + r.getString(1) + ")");
      }
    }
    return out;
  }

  private static String name(Map<Integer, String> names, int phase) {
    return names.getOrDefault(phase, "phase " + phase);
  }
}
