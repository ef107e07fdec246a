package io.longctx.curriculum.internal;

import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads path-based Delta tables at a pinned version, so a step can be replayed with time travel. */
public final class DeltaVersions {
  /** The version reported for a table that does not exist (yet). */
  public static final long ABSENT = -1L;

  private DeltaVersions() {}

  /** The latest committed version of the Delta table at {@code path}, or {@link #ABSENT}. */
  public static long latest(SparkSession spark, String path) {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return ABSENT;
    }
    return DeltaTable.forPath(spark, path).history(1).select("version").head().getLong(0);
  }

  /** The table at exactly {@code version} (time travel). */
  public static Dataset<Row> readAt(SparkSession spark, String path, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(path);
  }
}
