package io.longctx.curriculum;

import static org.apache.spark.sql.functions.col;

import io.longctx.curriculum.internal.DeltaVersions;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code sample_difficulty} Delta table: one row per (policy_checkpoint, sample_id) with the pass rate of k
 * sampled responses of that policy (the reward the RL step computes: accuracy = reward >= 1). Written by the
 * difficulty job ({@code longctx difficulty}), read by the pass-rate filter of {@link BatchSelector} and by
 * {@link HardSampleLedger#seed}. Rows of one policy are replaced, never duplicated, by a re-run.
 */
public final class SampleDifficulty {
  /** The table's columns. */
  public static final StructType SCHEMA =
      new StructType()
          .add("sample_id", DataTypes.StringType, false)
          .add("data_source", DataTypes.StringType, true)
          .add("bucket", DataTypes.IntegerType, true)
          .add("prompt_tokens", DataTypes.IntegerType, false)
          .add("k", DataTypes.IntegerType, false)
          .add("pass_rate", DataTypes.DoubleType, false)
          .add("mean_response_tokens", DataTypes.DoubleType, false)
          .add("policy_checkpoint", DataTypes.StringType, false)
          .add("policy_version", DataTypes.StringType, false)
          .add("policy_step", DataTypes.LongType, true)
          .add("samples_version", DataTypes.LongType, false)
          .add("scored_at", DataTypes.TimestampType, false);

  private SampleDifficulty() {}

  /** The latest version, or -1 when the table does not exist. */
  public static long latestVersion(SparkSession spark, String path) {
    return DeltaVersions.latest(spark, path);
  }

  /** One policy's rows at a version (time travel); empty when the version is -1 (no table). */
  public static Dataset<Row> ratesOf(SparkSession spark, String path, String policyCheckpoint, long version) {
    if (version == DeltaVersions.ABSENT) {
      return spark.createDataFrame(List.of(), SCHEMA);
    }
    Dataset<Row> t;
    try {
      t = DeltaVersions.readAt(spark, path, version);
    } catch (Exception e) { // Delta's VersionNotFoundException is a checked AnalysisException thrown undeclared
      throw CurriculumErrors.versionNotFound("sample_difficulty", path, version, e);
    }
    return t.where(col("policy_checkpoint").equalTo(policyCheckpoint));
  }

  /**
   * Fails with a message naming the command to run when the table has no rows of this policy at this version.
   */
  public static void requireRows(SparkSession spark, String path, String policyCheckpoint, long version) {
    if (ratesOf(spark, path, policyCheckpoint, version).limit(1).isEmpty()) {
      throw CurriculumErrors.noDifficultyRows(policyCheckpoint, path);
    }
  }
}
