package io.longctx.jobs.report;

import static org.apache.spark.sql.functions.col;

import io.longctx.jobs.Warehouse;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.jobs.SparkSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code longctx report RUN}: writes one HTML page ({@code index.html}) with PNG charts next to it about one run:
 * training curves, accuracy per phase and length bucket, hard samples over time, the evaluation table and
 * provenance (table versions, commit records, effective config). The folder is self-contained (no scripts, no
 * network resources) and defaults to {@code <warehouse>/reports/report/<RUN>/}.
 *
 * <p>A table that does not exist yet, or has no rows for the run, gives a "not available: why" line in its
 * section instead of an error; a run with no rows in {@code metrics}, {@code checkpoints} or {@code eval_results}
 * is a {@link ReportException} that lists the runs that exist.
 */
public final class WriteReportJob {
  /** The files this job writes; older copies of exactly these are removed first, nothing else is touched. */
  static final List<String> FILES = List.of("index.html", "curves.png", "time-breakdown.png", "sft-loss.png",
      "accuracy-by-bucket.png", "accuracy-per-phase.png", "hard-samples.png", "eval-benchmarks.png");

  private final SparkSession spark;
  private final LongctxConfig config;
  private final Warehouse warehouse;
  private String run;
  private Path out;

  /**
   * @param index the page
   * @param charts the PNG files next to it
   * @param unavailable the reasons of every "not available" part, in page order (empty when all is there)
   */
  public record Result(String run, Path index, List<Path> charts, List<String> unavailable) {}

  public WriteReportJob(SparkSession spark, LongctxConfig config, Warehouse warehouse) {
    this.spark = spark;
    this.config = config;
    this.warehouse = warehouse;
  }

  /** The run to report on (required): an RL run id ({@code train.run}); its SFT and eval runs are found from it. */
  public WriteReportJob setRun(String run) {
    this.run = run;
    return this;
  }

  /** The output folder (default {@link #defaultDir}). */
  public WriteReportJob optOut(Path dir) {
    this.out = dir;
    return this;
  }

  /** {@code <warehouse>/reports/report/<RUN>}, with characters other than letters, digits, '.', '_', '-' as '_'. */
  public static Path defaultDir(Warehouse warehouse, String run) {
    String safe = run.replaceAll("[^A-Za-z0-9._-]", "_");
    if (safe.isEmpty() || safe.chars().allMatch(c -> c == '.')) {
      safe = "_" + safe;
    }
    return warehouse.dir("reports").resolve("report").resolve(safe);
  }

  public Result execute() {
    if (run == null || run.isBlank()) {
      throw new IllegalArgumentException("setRun(run) is required");
    }
    Path dir = (out != null ? out : defaultDir(warehouse, run)).toAbsolutePath().normalize();
    ReportContext ctx = ReportContext.of(spark, config, warehouse, run, dir);
    checkKnown(ctx);
    prepare(dir);
    Html html = new Html().page("longctx report: " + run);
    html.h1("Run " + run);
    html.meta("Warehouse " + warehouse.root() + " \u00b7 written " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
        + " by 'longctx report'");
    html.nav(List.of(new String[] {TrainingSection.ID, TrainingSection.TITLE},
        new String[] {AccuracySection.ID, AccuracySection.TITLE},
        new String[] {HardSampleSection.ID, HardSampleSection.TITLE},
        new String[] {EvalSection.ID, EvalSection.TITLE},
        new String[] {ProvenanceSection.ID, ProvenanceSection.TITLE}));
    EvalStages stages = SparkSessions.withJobGroup(spark, "report-stages", "Report " + run + ": evaluations",
        () -> EvalStages.of(ctx));
    section(html, TrainingSection.ID, TrainingSection.TITLE, () -> TrainingSection.render(ctx, html));
    section(html, AccuracySection.ID, AccuracySection.TITLE, () -> AccuracySection.render(ctx, html, stages));
    section(html, HardSampleSection.ID, HardSampleSection.TITLE, () -> HardSampleSection.render(ctx, html));
    section(html, EvalSection.ID, EvalSection.TITLE, () -> EvalSection.render(ctx, html, stages));
    section(html, ProvenanceSection.ID, ProvenanceSection.TITLE, () -> ProvenanceSection.render(ctx, html));
    Path index = dir.resolve("index.html");
    try {
      Path tmp = dir.resolve("index.html.tmp");
      Files.writeString(tmp, html.end(), StandardCharsets.UTF_8);
      Files.move(tmp, index, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw ReportErrors.cannotWrite(dir, e);
    }
    List<Path> charts = ctx.pngs().stream().map(p -> dir.resolve(p.file())).toList();
    return new Result(run, index, charts, html.unavailableReasons());
  }

  /** A part of the page that may fail on its own; an unexpected error becomes its "not available" line. */
  private interface Part {
    void render() throws IOException;
  }

  /** Renders one section under its own Spark job group ("report-<id>"), so it reads well in the Spark UI. */
  private void section(Html html, String id, String title, Part part) {
    try {
      SparkSessions.withJobGroup(spark, "report-" + id, "Report " + run + ": " + title, () -> {
        try {
          part.render();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return null;
      });
    } catch (Exception e) { // includes Spark's AnalysisException, checked but thrown undeclared
      Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
      html.unavailable(title + " could not be completed: " + cause.getClass().getSimpleName() + ": "
          + cause.getMessage());
    }
  }

  private void prepare(Path dir) {
    try {
      Files.createDirectories(dir);
      for (String f : FILES) {
        Files.deleteIfExists(dir.resolve(f));
      }
    } catch (IOException e) {
      throw ReportErrors.cannotWrite(dir, e);
    }
  }

  /** Fails with the list of existing runs unless the run has rows in metrics, checkpoints or eval_results. */
  private void checkKnown(ReportContext ctx) {
    TreeSet<String> known = new TreeSet<>();
    for (String t : List.of(Warehouse.METRICS, Warehouse.CHECKPOINTS, Warehouse.EVAL_RESULTS)) {
      Optional<Dataset<Row>> d = ctx.table(t);
      if (d.isEmpty()) {
        continue;
      }
      for (Row r : d.get().select(col("run")).distinct().collectAsList()) {
        known.add(r.getString(0));
      }
    }
    if (!known.contains(run) && !known.contains(ctx.evalRun())) {
      throw ReportErrors.unknownRun(run, warehouse.root().toString(), new ArrayList<>(known));
    }
  }
}
