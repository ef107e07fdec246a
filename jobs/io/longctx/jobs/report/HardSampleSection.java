package io.longctx.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.longctx.curriculum.HardSampleLedger;
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
 * Section 3: hard samples over time. The per-step counts the training job records in {@code metrics} (samples
 * whose latest group accuracy is 0, ledger size, retrospective picks), and the {@code hard_samples} ledger read
 * back at each of the run's MERGE versions with Delta time travel.
 */
final class HardSampleSection {
  static final String ID = "hard-samples";
  static final String TITLE = "3. Hard samples over time";
  static final List<String> COLUMNS = List.of("hard_samples", "ledger_rows", "retrospective_picks");
  /** The ledger versions read back at most (the latest ones); each is one small Spark job. */
  static final int MAX_VERSIONS = 60;


  private HardSampleSection() {}

  static void render(ReportContext ctx, Html html) throws IOException {
    html.h2(ID, TITLE);
    html.h3("Per step (metrics)");
    perStep(ctx, html);
    html.h3("Ledger history (hard_samples, Delta time travel)");
    history(ctx, html);
  }

  private static void perStep(ReportContext ctx, Html html) throws IOException {
    Optional<Dataset<Row>> metrics = ctx.table(Warehouse.METRICS);
    if (metrics.isEmpty()) {
      html.unavailable(ctx.missing(Warehouse.METRICS));
      return;
    }
    List<Row> rows = metrics.get().where(col("run").equalTo(ctx.run())).orderBy("step").collectAsList();
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    for (String c : COLUMNS) {
      List<double[]> points = new ArrayList<>();
      for (Row r : rows) {
        Double v = TrainingSection.value(r, c);
        if (v != null) {
          points.add(new double[] {r.<Long>getAs("step"), v});
        }
      }
      series.put(c, points);
    }
    if (series.values().stream().allMatch(List::isEmpty)) {
      html.unavailable("the metrics table has no hard-sample counts for run '" + ctx.run() + "'");
      return;
    }
    ReportCharts.Png png = ctx.add(ReportCharts.lines(ctx.dir(), "hard-samples.png", "Hard samples per step", "step",
        "samples", series));
    html.image(png.file(), "hard-sample counts per step", png.width(), png.height());
    html.note("hard_samples = ledger rows of this run whose latest group accuracy is 0; ledger_rows = samples"
        + " attempted so far; retrospective_picks = prompts of the step taken from earlier phases' hard samples.");
  }

  private static void history(ReportContext ctx, Html html) {
    if (!ctx.exists(Warehouse.HARD_SAMPLES)) {
      html.unavailable(ctx.missing(Warehouse.HARD_SAMPLES));
      return;
    }
    String path = ctx.path(Warehouse.HARD_SAMPLES);
    List<Row> commits = DeltaTable.forPath(ctx.spark(), path).history()
        .select("version", "timestamp", "userMetadata").orderBy(col("version")).collectAsList();
    List<long[]> mine = new ArrayList<>();
    for (Row c : commits) {
      Long step = HardSampleLedger.stepOf(c.isNullAt(2) ? null : c.getString(2), ctx.run());
      if (step != null) {
        mine.add(new long[] {c.getLong(0), step});
      }
    }
    if (mine.isEmpty()) {
      html.unavailable("the hard_samples ledger at " + path + " has no MERGE commits of run '" + ctx.run() + "'");
      return;
    }
    int from = Math.max(0, mine.size() - MAX_VERSIONS);
    List<List<Object>> table = new ArrayList<>();
    for (long[] vs : mine.subList(from, mine.size())) {
      Row n = ctx.spark().read().format("delta").option("versionAsOf", vs[0]).load(path)
          .where(col("run").equalTo(ctx.run()))
          .agg(count(lit(1)), count(when(col("last_mean_reward").equalTo(0.0), lit(1))),
              count(when(col("retrospective_attempts").gt(0), lit(1))))
          .first();
      table.add(List.of(vs[0], vs[1], n.getLong(0), n.getLong(1), n.getLong(2)));
    }
    html.table(List.of("ledger version", "after step", "samples in ledger", "zero-accuracy samples",
        "retried retrospectively"), table);
    if (from > 0) {
      html.note("The latest " + MAX_VERSIONS + " of " + mine.size() + " MERGE versions are shown.");
    }
    html.note("Each row reads the ledger as of that version (SELECT ... VERSION AS OF), i.e. what the next step's"
        + " batch selection saw.");
  }
}
