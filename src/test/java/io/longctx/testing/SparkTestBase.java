package io.longctx.testing;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;

/**
 * One Spark session per test JVM (local[2], UI off, few shuffle partitions, Delta enabled), shared by every
 * test class that extends this. Tables go in each test's {@code @TempDir}.
 */
public abstract class SparkTestBase {
  private static SparkSession spark;

  protected static synchronized SparkSession spark() {
    if (spark == null) {
      spark =
          SparkSession.builder()
              .master("local[2]")
              .appName("longctx-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.sql.shuffle.partitions", "2")
              .config("spark.default.parallelism", "2")
              .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
              .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
              .config("spark.databricks.delta.snapshotPartitions", "1")
              .config("spark.sql.sources.parallelPartitionDiscovery.parallelism", "1")
              .config("spark.databricks.delta.properties.defaults.enableDeletionVectors", "false")
              .getOrCreate();
      spark.sparkContext().setLogLevel("ERROR");
    }
    return spark;
  }

  @BeforeAll
  static void startSpark() {
    spark();
  }
}
