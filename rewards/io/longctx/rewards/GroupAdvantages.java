package io.longctx.rewards;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Group-relative advantages over a rollouts DataFrame, computed with window aggregates partitioned by the group
 * (one shuffle, no collect to the driver, and the input is evaluated once, so an upstream judge is not asked
 * twice as it would be by an aggregate joined back to its own input): per group, {@code group_mean} and the unbiased {@code group_std}; then
 * {@code advantage = (r - group_mean) / (scale_std + epsilon)}, or {@code r - group_mean} with Dr.GRPO's
 * {@code scale-by-std: false}. {@code scale_std} is the group's std ({@code std-scope: group}), the std of every
 * reward of the same task in the frame ({@code task}, QwenLong-L1.5's task-level normalisation: the frame is one
 * step's batch) or of every reward in the frame ({@code batch}); it is added as {@code scale_std}. A group of one
 * gets mean 0 and group std 1 (the reference convention), so its group-scope advantage is {@code r / (1 + epsilon)};
 * a task (or batch) of one reward likewise gets std 1.
 */
public final class GroupAdvantages {
  public static final String GROUP_MEAN = "group_mean";
  public static final String GROUP_STD = "group_std";
  public static final String SCALE_STD = "scale_std";
  public static final String ADVANTAGE = "advantage";

  static final String N = "__group_n";
  static final String SCOPE_N = "__scope_n";

  private GroupAdvantages() {}

  /** Adds {@code group_mean}, {@code group_std} and {@code advantage} to every row of {@code rollouts}. */
  public static Dataset<Row> compute(
      Dataset<Row> rollouts, String groupCol, String rewardCol, RewardsConfig.AdvantageConfig options) {
    requireColumns(rollouts, groupCol, rewardCol);
    WindowSpec group = Window.partitionBy(col(groupCol));
    Dataset<Row> stats = rollouts
        .withColumn(N, count(lit(1)).over(group))
        .withColumn(GROUP_MEAN, avg(col(rewardCol)).over(group))
        .withColumn(GROUP_STD, stddev_samp(col(rewardCol)).over(group));
    return applyStats(stats, null, rewardCol, options).drop(N);
  }

  /**
   * {@link #compute} and {@link DynamicSampling#flag} over one window: also adds {@code kept}, true where the
   * group's accuracy ({@code accuracyCol == 1}) varies.
   */
  public static Dataset<Row> computeWithKept(
      Dataset<Row> rollouts, String groupCol, String rewardCol, String accuracyCol,
      RewardsConfig.AdvantageConfig options) {
    return computeWithKept(rollouts, groupCol, null, rewardCol, accuracyCol, options);
  }

  /**
   * As {@link #computeWithKept(Dataset, String, String, String, RewardsConfig.AdvantageConfig)}, with the task column
   * that {@code std-scope: task} normalises within (required for that scope, e.g. {@code data_source}).
   */
  public static Dataset<Row> computeWithKept(
      Dataset<Row> rollouts, String groupCol, String taskCol, String rewardCol, String accuracyCol,
      RewardsConfig.AdvantageConfig options) {
    requireColumns(rollouts, groupCol, rewardCol, accuracyCol);
    if (RewardsConfig.AdvantageConfig.TASK.equals(options.stdScope())) {
      if (taskCol == null) {
        throw new IllegalArgumentException("rewards.advantage.std-scope 'task' needs a task column (data_source)");
      }
      requireColumns(rollouts, taskCol);
    }
    WindowSpec group = Window.partitionBy(col(groupCol));
    Column hit = DynamicSampling.hit(accuracyCol);
    Dataset<Row> stats = rollouts
        .withColumn(N, count(lit(1)).over(group))
        .withColumn(GROUP_MEAN, avg(col(rewardCol)).over(group))
        .withColumn(GROUP_STD, stddev_samp(col(rewardCol)).over(group))
        .withColumn(DynamicSampling.KEPT, min(hit).over(group).notEqual(max(hit).over(group)));
    return applyStats(stats, taskCol, rewardCol, options).drop(N);
  }

  /** Applies the group-of-one convention, the scope's std, then the advantage formula. */
  private static Dataset<Row> applyStats(
      Dataset<Row> stats, String taskCol, String rewardCol, RewardsConfig.AdvantageConfig options) {
    Column single = col(N).leq(1);
    Dataset<Row> s = stats
        .withColumn(GROUP_MEAN, when(single, lit(0.0)).otherwise(col(GROUP_MEAN)))
        .withColumn(GROUP_STD, when(single, lit(1.0)).otherwise(col(GROUP_STD)));
    String scope = options.stdScope() == null ? RewardsConfig.AdvantageConfig.GROUP : options.stdScope();
    if (RewardsConfig.AdvantageConfig.GROUP.equals(scope)) {
      s = s.withColumn(SCALE_STD, col(GROUP_STD));
    } else {
      WindowSpec w = RewardsConfig.AdvantageConfig.TASK.equals(scope)
          ? Window.partitionBy(col(taskCol))
          : Window.partitionBy();
      s = s.withColumn(SCOPE_N, count(lit(1)).over(w))
          .withColumn(SCALE_STD, when(col(SCOPE_N).leq(1), lit(1.0)).otherwise(stddev_samp(col(rewardCol)).over(w)))
          .drop(SCOPE_N);
    }
    Column centred = col(rewardCol).minus(col(GROUP_MEAN));
    Column adv = options.scaleByStd()
        ? centred.divide(col(SCALE_STD).plus(lit(options.epsilon())))
        : centred;
    return s.withColumn(ADVANTAGE, adv);
  }

  static void requireColumns(Dataset<Row> df, String... cols) {
    List<String> present = Arrays.asList(df.columns());
    List<String> missing = Arrays.stream(cols).filter(c -> !present.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw RewardErrors.missingColumns(missing, present);
    }
  }
}
