package io.longctx.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.longctx.jobs.Warehouse;
import io.longctx.jobs.config.LongctxConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** What every report section reads from: the session, config, warehouse, the run and the output folder. */
record ReportContext(SparkSession spark, LongctxConfig config, Warehouse warehouse, String run, Path dir,
    List<ReportCharts.Png> pngs, Map<String, Optional<Dataset<Row>>> loaded) {

  static ReportContext of(SparkSession spark, LongctxConfig config, Warehouse warehouse, String run, Path dir) {
    return new ReportContext(spark, config, warehouse, run, dir, new ArrayList<>(), new HashMap<>());
  }

  /** The warm-up SFT run of this RL run (as WarmupSftJob names it). */
  String sftRun() {
    return run + "-sft";
  }

  /** The evaluation run of this RL run (as RunPipelineJob names it). */
  String evalRun() {
    return run + "-eval";
  }

  String path(String table) {
    return warehouse.table(table);
  }

  boolean exists(String table) {
    return table(table).isPresent();
  }

  /**
   * The table (latest version), loaded once per report and shared by the sections, or empty when there is no
   * Delta table at its path.
   */
  Optional<Dataset<Row>> table(String table) {
    return loaded.computeIfAbsent(table, t -> DeltaTable.isDeltaTable(spark, path(t))
        ? Optional.of(spark.read().format("delta").load(path(t)))
        : Optional.empty());
  }

  /** Why a table is not there, for a "not available" line. */
  String missing(String table) {
    return "the " + table + " table does not exist at " + path(table);
  }

  /** Remembers a chart so the result lists it. */
  ReportCharts.Png add(ReportCharts.Png png) {
    pngs.add(png);
    return png;
  }

  /** The length-bucket label of {@code prompt_tokens}, over the curation caps: "1: (512, 1024]". */
  Column bucket(String promptTokens) {
    List<Integer> caps = config.curate().buckets();
    Column b = lit("over " + caps.get(caps.size() - 1));
    for (int i = caps.size() - 1; i >= 0; i--) {
      b = when(col(promptTokens).leq(caps.get(i)), lit(bucketLabel(caps, i))).otherwise(b);
    }
    return b;
  }

  /** Every bucket label in order, the overflow bucket last. */
  List<String> bucketLabels() {
    List<Integer> caps = config.curate().buckets();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < caps.size(); i++) {
      out.add(bucketLabel(caps, i));
    }
    out.add("over " + caps.get(caps.size() - 1));
    return out;
  }

  static String bucketLabel(List<Integer> caps, int i) {
    return String.format("%d: (%d, %d]", i, i == 0 ? 0 : caps.get(i - 1), caps.get(i));
  }
}
