package io.longctx.jobs;

import io.longctx.common.NativeMemory;
import io.longctx.jobs.config.SparkConfig;
import io.longctx.jobs.train.ProcessIdentity;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/** Builds the Spark session every job runs in, and names the stages it runs. */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * Returns the active session, or creates one with Delta Lake enabled. Under {@code spark-submit} the master
   * comes from the submit command; in-process runs use {@link SparkConfig#master()}.
   */
  public static SparkSession getOrCreate(SparkConfig conf) {
    SparkSession.Builder b = SparkSession.builder().appName(conf.appName());
    boolean submitted = System.getProperty("spark.master") != null;
    if (!submitted) {
      b.master(conf.master())
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.ui.enabled", "false");
    }
    b.config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.shuffle.partitions", String.valueOf(conf.shufflePartitions()))
        .config("spark.databricks.delta.snapshotPartitions", "1")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.databricks.delta.schema.autoMerge.enabled", "false")
        .config("spark.databricks.delta.commitInfo.userMetadata", "longctx " + ProcessIdentity.current());
    // executors launched by a cluster manager keep tensor memory instead of mapping it anew (NativeMemory)
    NativeMemory.executorEnv().forEach(b::config);
    for (Map.Entry<String, String> e : conf.conf().entrySet()) {
      b.config(e.getKey(), e.getValue());
    }
    SparkSession spark = b.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  /** Runs {@code body} under a named job group so the stage reads well in the Spark UI. */
  public static <T> T withJobGroup(SparkSession spark, String group, String description, Supplier<T> body) {
    spark.sparkContext().setJobGroup(group, description, false);
    try {
      return body.get();
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }
}
