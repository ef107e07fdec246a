package io.longctx.jobs;

import io.longctx.jobs.config.LongctxConfig;
import io.longctx.jobs.train.RunLeases;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Where the pipeline's Delta tables live: {@code <root>/<table>} for path-based tables. Areas below
 * {@code jobs} receive plain paths from here and never compute locations themselves.
 */
public record Warehouse(Path root) {
  public static final String SAMPLES = "samples";
  public static final String QUARANTINE = "quarantine";
  public static final String ROLLOUTS = "rollouts";
  public static final String HARD_SAMPLES = "hard_samples";
  public static final String METRICS = "metrics";
  public static final String CHECKPOINTS = "checkpoints";
  public static final String EVAL_RESULTS = "eval_results";
  public static final String RUN_LEASES = "run_leases";
  public static final String SAMPLE_DIFFICULTY = "sample_difficulty";

  public static Warehouse at(String root) {
    return new Warehouse(Path.of(root).toAbsolutePath().normalize());
  }

  /** Path of a Delta table, as a string Spark accepts. */
  public String table(String name) {
    return root.resolve(name).toString();
  }

  /** Leases on this warehouse's runs ({@code run_leases}), held by this process, with the configured TTL. */
  public RunLeases runLeases(SparkSession spark, LongctxConfig config) {
    return RunLeases.at(spark, table(RUN_LEASES), config.train().lease());
  }

  /** A non-table directory under the root (reports, checkpoints, synthetic inputs). */
  public Path dir(String name) {
    return root.resolve(name);
  }
}
