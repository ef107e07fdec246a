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

/**
 * Group-relative advantages over a rollouts DataFrame, computed as one {@code groupBy} aggregation joined back
 * (no collect to the driver): per group, {@code group_mean} and the unbiased {@code group_std}; then
 * {@code advantage = (r - group_mean) / (group_std + epsilon)}, or {@code r - group_mean} with Dr.GRPO's
 * {@code scale-by-std: false}. A group of one gets mean 0 and std 1 (the reference convention), so its
 * advantage is {@code r / (1 + epsilon)}.
 */
public final class GroupAdvantages {
  public static final String GROUP_MEAN = "group_mean";
  public static final String GROUP_STD = "group_std";
  public static final String ADVANTAGE = "advantage";

  static final String N = "__group_n";
  static final String ACC_MIN = "__acc_min";
  static final String ACC_MAX = "__acc_max";

  private GroupAdvantages() {}

  /** Adds {@code group_mean}, {@code group_std} and {@code advantage} to every row of {@code rollouts}. */
  public static Dataset<Row> compute(
      Dataset<Row> rollouts, String groupCol, String rewardCol, RewardsConfig.AdvantageConfig options) {
    requireColumns(rollouts, groupCol, rewardCol);
    Dataset<Row> stats = rollouts.groupBy(col(groupCol))
        .agg(count(lit(1)).as(N), avg(col(rewardCol)).as(GROUP_MEAN), stddev_samp(col(rewardCol)).as(GROUP_STD));
    return applyStats(rollouts, groupStats(stats), groupCol, rewardCol, options).drop(N);
  }

  /**
   * {@link #compute} and {@link DynamicSampling#flag} in one aggregation: also adds {@code kept}, true where the
   * group's accuracy ({@code accuracyCol == 1}) varies.
   */
  public static Dataset<Row> computeWithKept(
      Dataset<Row> rollouts, String groupCol, String rewardCol, String accuracyCol,
      RewardsConfig.AdvantageConfig options) {
    requireColumns(rollouts, groupCol, rewardCol, accuracyCol);
    Column hit = DynamicSampling.hit(accuracyCol);
    Dataset<Row> stats = rollouts.groupBy(col(groupCol))
        .agg(count(lit(1)).as(N), avg(col(rewardCol)).as(GROUP_MEAN), stddev_samp(col(rewardCol)).as(GROUP_STD),
            min(hit).as(ACC_MIN), max(hit).as(ACC_MAX));
    Dataset<Row> withKept = groupStats(stats)
        .withColumn(DynamicSampling.KEPT, col(ACC_MIN).notEqual(col(ACC_MAX)))
        .drop(ACC_MIN, ACC_MAX);
    return applyStats(rollouts, withKept, groupCol, rewardCol, options).drop(N);
  }

  /** Applies the group-of-one convention to the raw aggregates. */
  private static Dataset<Row> groupStats(Dataset<Row> stats) {
    Column single = col(N).leq(1);
    return stats
        .withColumn(GROUP_MEAN, when(single, lit(0.0)).otherwise(col(GROUP_MEAN)))
        .withColumn(GROUP_STD, when(single, lit(1.0)).otherwise(col(GROUP_STD)));
  }

  private static Dataset<Row> applyStats(
      Dataset<Row> rollouts, Dataset<Row> stats, String groupCol, String rewardCol,
      RewardsConfig.AdvantageConfig options) {
    Dataset<Row> joined = rollouts.join(stats, rollouts.col(groupCol).eqNullSafe(stats.col(groupCol)), "inner")
        .drop(stats.col(groupCol));
    Column centred = col(rewardCol).minus(col(GROUP_MEAN));
    Column adv = options.scaleByStd()
        ? centred.divide(col(GROUP_STD).plus(lit(options.epsilon())))
        : centred;
    return joined.withColumn(ADVANTAGE, adv);
  }

  static void requireColumns(Dataset<Row> df, String... cols) {
    List<String> present = Arrays.asList(df.columns());
    List<String> missing = Arrays.stream(cols).filter(c -> !present.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw RewardErrors.missingColumns(missing, present);
    }
  }
}
