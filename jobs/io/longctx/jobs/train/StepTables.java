package io.longctx.jobs.train;

import io.delta.tables.DeltaTable;
import java.util.List;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The commit protocol of a resumable job. Every step writes its own {@code (run, step)} slice of each table
 * by overwriting exactly that slice ({@code replaceWhere}), so a step can be re-run any number of times and
 * leaves one copy of its rows; the step's row in the {@code checkpoints} table is written last and is the
 * commit. On start a job reads the last committed step, removes the rows of any step after it (a step that
 * was killed half-way), and continues from there.
 */
public final class StepTables {
  private final SparkSession spark;

  public StepTables(SparkSession spark) {
    this.spark = spark;
  }

  /** True when {@code path} holds a Delta table. */
  public boolean exists(String path) {
    return DeltaTable.isDeltaTable(spark, path);
  }

  /**
   * Overwrites the {@code (run, step)} slice of the table at {@code path} with {@code rows} (which must carry
   * {@code run} and {@code step} columns with exactly those values). Creates the table, partitioned by
   * {@code run}, when it does not exist. New columns (a later version's or an option's, e.g. {@code scale_std})
   * are added to the table's schema, so runs of different settings share one warehouse.
   */
  public void writeSlice(Dataset<Row> rows, String path, String run, long step) {
    if (!exists(path)) {
      rows.write().format("delta").mode(SaveMode.ErrorIfExists).partitionBy("run").save(path);
      return;
    }
    rows.write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .option("replaceWhere", sliceCondition(run, step))
        .option("mergeSchema", "true") // a column added later (e.g. checkpoints.difficulty_version) joins old tables
        .save(path);
  }

  /** The last committed step of {@code run}: the highest step with a row in the commit table. */
  public OptionalLong lastCommittedStep(String commitTablePath, String run) {
    if (!exists(commitTablePath)) {
      return OptionalLong.empty();
    }
    Row r =
        spark.read().format("delta").load(commitTablePath)
            .where(functions.col("run").equalTo(run))
            .agg(functions.max("step"))
            .first();
    return r.isNullAt(0) ? OptionalLong.empty() : OptionalLong.of(((Number) r.get(0)).longValue());
  }

  /**
   * Deletes the rows of {@code run} with a step after {@code lastCommitted} (or all of the run's rows when
   * nothing was committed) from each table: what a killed step left behind.
   */
  public void rollbackUncommitted(List<String> tablePaths, String run, OptionalLong lastCommitted) {
    String cond = "run = '" + escape(run) + "'"
        + (lastCommitted.isPresent() ? " AND step > " + lastCommitted.getAsLong() : "");
    for (String path : tablePaths) {
      if (exists(path)) {
        DeltaTable.forPath(spark, path).delete(cond);
      }
    }
  }

  /** The current version of a Delta table, or -1 when it does not exist. */
  public long version(String path) {
    if (!exists(path)) {
      return -1L;
    }
    return DeltaTable.forPath(spark, path).history(1).select("version").first().getLong(0);
  }

  static String sliceCondition(String run, long step) {
    return "run = '" + escape(run) + "' AND step = " + step;
  }

  private static String escape(String s) {
    return s.replace("'", "''");
  }
}
