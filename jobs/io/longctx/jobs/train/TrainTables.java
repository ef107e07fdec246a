package io.longctx.jobs.train;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Schemas of the rows a training job writes once per step: the {@code metrics} row and the {@code checkpoints}
 * row (the step's commit record). The step-0 row's {@code difficulty_version} pins the {@code sample_difficulty}
 * version the pass-rate filter reads for the whole run (-1 when the filter is off).
 */
public final class TrainTables {
  private TrainTables() {}

  /** One row per committed step: where its weights are and which table versions it read and left. */
  public static final StructType CHECKPOINT =
      new StructType()
          .add("run", DataTypes.StringType, false)
          .add("step", DataTypes.LongType, false)
          .add("kind", DataTypes.StringType, false)
          .add("phase", DataTypes.IntegerType, false)
          .add("phase_name", DataTypes.StringType, false)
          .add("checkpoint_path", DataTypes.StringType, false)
          .add("samples_version", DataTypes.LongType, false)
          .add("hard_samples_version_read", DataTypes.LongType, false)
          .add("hard_samples_version", DataTypes.LongType, false)
          .add("seed", DataTypes.LongType, false)
          .add("parent_checkpoint", DataTypes.StringType, true)
          .add("difficulty_version", DataTypes.LongType, true);

  /** Metric columns (all doubles) of a step row, in order; timings are wall-clock seconds. */
  public static final List<String> METRICS =
      List.of(
          "reward_mean", "accuracy", "kept_group_fraction", "groups", "kept_groups", "extra_batches",
          "response_len_mean", "response_len_max", "entropy", "grad_norm", "lr", "loss", "clip_fraction",
          "updates", "tokens", "retrospective_picks", "hard_samples", "ledger_rows", "wasted_rollout_share",
          "sampling_entropy", "aepo_negatives_masked", "aepo_dropped", "negative_clip_token_fraction",
          "time_rollout_s", "time_rollout_model_s", "time_reward_s", "time_collect_s", "time_optimizer_s",
          "time_io_s", "time_total_s");

  /** Metrics that depend on the wall clock; excluded when two runs are compared for equality. */
  public static final List<String> TIMINGS = METRICS.stream().filter(m -> m.startsWith("time_")).toList();

  public static final StructType METRIC;

  static {
    StructType s = new StructType()
        .add("run", DataTypes.StringType, false)
        .add("step", DataTypes.LongType, false)
        .add("kind", DataTypes.StringType, false)
        .add("phase", DataTypes.IntegerType, false);
    for (String m : METRICS) {
      s = s.add(m, DataTypes.DoubleType, true);
    }
    METRIC = s;
  }

  /** A one-row DataFrame of the checkpoint commit record. */
  public static Dataset<Row> checkpointRow(SparkSession spark, CheckpointRecord r) {
    Row row = RowFactory.create(r.run(), r.step(), r.kind(), r.phase(), r.phaseName(), r.checkpointPath(),
        r.samplesVersion(), r.hardSamplesVersionRead(), r.hardSamplesVersion(), r.seed(), r.parentCheckpoint(),
        r.difficultyVersion());
    return spark.createDataFrame(List.of(row), CHECKPOINT);
  }

  /** A one-row DataFrame of a step's metrics; {@code values} follow {@link #METRICS} (null for not measured). */
  public static Dataset<Row> metricRow(
      SparkSession spark, String run, long step, String kind, int phase, java.util.Map<String, Double> values) {
    Object[] v = new Object[4 + METRICS.size()];
    v[0] = run;
    v[1] = step;
    v[2] = kind;
    v[3] = phase;
    for (int i = 0; i < METRICS.size(); i++) {
      Double d = values.get(METRICS.get(i));
      v[4 + i] = d == null || d.isNaN() ? null : d;
    }
    for (String k : values.keySet()) {
      if (!METRICS.contains(k)) {
        throw new IllegalArgumentException("Unknown metric '" + k + "'; known: " + METRICS);
      }
    }
    return spark.createDataFrame(List.of(RowFactory.create(v)), METRIC);
  }

  /** A committed step, as stored in the {@code checkpoints} table. */
  public record CheckpointRecord(
      String run,
      long step,
      String kind,
      int phase,
      String phaseName,
      String checkpointPath,
      long samplesVersion,
      long hardSamplesVersionRead,
      long hardSamplesVersion,
      long seed,
      String parentCheckpoint,
      long difficultyVersion) {

    /** A record without a pinned {@code sample_difficulty} version (-1: the pass-rate filter is off). */
    public CheckpointRecord(String run, long step, String kind, int phase, String phaseName, String checkpointPath,
        long samplesVersion, long hardSamplesVersionRead, long hardSamplesVersion, long seed,
        String parentCheckpoint) {
      this(run, step, kind, phase, phaseName, checkpointPath, samplesVersion, hardSamplesVersionRead,
          hardSamplesVersion, seed, parentCheckpoint, -1L);
    }

    static CheckpointRecord of(Row r) {
      // difficulty_version: absent in tables written before the pass-rate filter existed
      int dv = java.util.Arrays.asList(r.schema().fieldNames()).indexOf("difficulty_version");
      return new CheckpointRecord(r.getAs("run"), r.getAs("step"), r.getAs("kind"), r.getAs("phase"),
          r.getAs("phase_name"), r.getAs("checkpoint_path"), r.getAs("samples_version"),
          r.getAs("hard_samples_version_read"), r.getAs("hard_samples_version"), r.getAs("seed"),
          r.getAs("parent_checkpoint"), dv < 0 || r.isNullAt(dv) ? -1L : r.getLong(dv));
    }
  }

  /** The commit record of {@code (run, step)}. */
  public static CheckpointRecord read(SparkSession spark, String checkpointsPath, String run, long step) {
    List<Row> rows = spark.read().format("delta").load(checkpointsPath)
        .where(org.apache.spark.sql.functions.col("run").equalTo(run)
            .and(org.apache.spark.sql.functions.col("step").equalTo(step)))
        .collectAsList();
    if (rows.size() != 1) {
      throw new IllegalStateException(
          "Expected one checkpoint row for run '" + run + "' step " + step + " in " + checkpointsPath + ", found "
              + rows.size());
    }
    return CheckpointRecord.of(rows.get(0));
  }
}
