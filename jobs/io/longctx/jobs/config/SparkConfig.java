package io.longctx.jobs.config;

import io.longctx.common.Check;
import java.util.Map;

/**
 * The {@code spark} config section. For the embedded default Spark runs in-process ({@code local[2]}); on a
 * cluster {@code spark-submit} sets the master and this section's master is ignored.
 *
 * @param master Spark master URL for in-process runs
 * @param shufflePartitions {@code spark.sql.shuffle.partitions}
 * @param conf extra Spark settings passed through unchanged
 */
public record SparkConfig(String master, String appName, int shufflePartitions, Map<String, String> conf) {

  public static SparkConfig defaults() {
    return new SparkConfig("local[2]", "longctx", 4, Map.of());
  }

  public void validate() {
    Check.notBlank("spark.master", master);
    Check.notBlank("spark.app-name", appName);
    Check.positive("spark.shuffle-partitions", shufflePartitions);
  }
}
