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
 * {@code advantage = (r - group_mean) / (group_std + epsilon)}, or {@code r - group_mean} with Dr.GRPO's
 * {@code scale-by-std: false}. A group of one gets mean 0 and std 1 (the reference convention), so its
 * advantage is {@code r / (1 + epsilon)}.
 */
public final class GroupAdvantages {
  public static final String GROUP_MEAN = "group_mean";
  public static final String GROUP_STD = "group_std";
  public static final String ADVANTAGE = "advantage";

  static final String N = "__group_n";

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
    return applyStats(stats, rewardCol, options).drop(N);
  }

  /**
   * {@link #compute} and {@link DynamicSampling#flag} over one window: also adds {@code kept}, true where the
   * group's accuracy ({@code accuracyCol == 1}) varies.
   */
  public static Dataset<Row> computeWithKept(
      Dataset<Row> rollouts, String groupCol, String rewardCol, String accuracyCol,
      RewardsConfig.AdvantageConfig options) {
    requireColumns(rollouts, groupCol, rewardCol, accuracyCol);
    WindowSpec group = Window.partitionBy(col(groupCol));
    Column hit = DynamicSampling.hit(accuracyCol);
    Dataset<Row> stats = rollouts
        .withColumn(N, count(lit(1)).over(group))
        .withColumn(GROUP_MEAN, avg(col(rewardCol)).over(group))
        .withColumn(GROUP_STD, stddev_samp(col(rewardCol)).over(group))
        .withColumn(DynamicSampling.KEPT, min(hit).over(group).notEqual(max(hit).over(group)));
    return applyStats(stats, rewardCol, options).drop(N);
  }

  /** Applies the group-of-one convention, then the advantage formula. */
  private static Dataset<Row> applyStats(Dataset<Row> stats, String rewardCol, RewardsConfig.AdvantageConfig options) {
    Column single = col(N).leq(1);
    Dataset<Row> s = stats
        .withColumn(GROUP_MEAN, when(single, lit(0.0)).otherwise(col(GROUP_MEAN)))
        .withColumn(GROUP_STD, when(single, lit(1.0)).otherwise(col(GROUP_STD)));
    Column centred = col(rewardCol).minus(col(GROUP_MEAN));
    Column adv = options.scaleByStd()
        ? centred.divide(col(GROUP_STD).plus(lit(options.epsilon())))
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
