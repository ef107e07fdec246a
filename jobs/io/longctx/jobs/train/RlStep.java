package io.longctx.jobs.train;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import io.longctx.curriculum.CurriculumPhase;
import io.longctx.curriculum.StepBatch;
import io.longctx.rewards.GroupAdvantages;
import io.longctx.rewards.HybridReward;
import io.longctx.rewards.Judge;
import io.longctx.rewards.RewardsConfig;
import io.longctx.transforms.rollout.RolloutSpec;
import io.longctx.transforms.rollout.Rollouts;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * The data flow of one RL step on Spark, as static {@code Dataset -> Dataset} functions: prompts in, scored
 * rollouts with group advantages and the dynamic-sampling flag out.
 */
public final class RlStep {
  /** Columns of the {@code samples} row a rollout keeps. */
  static final List<String> PROMPT_COLUMNS =
      List.of("sample_id", "data_source", "question", "prompt", "prompt_tokens", "bucket", "pick", "batch_index");

  private RlStep() {}

  /** The batch's prompts as the rollout stage wants them ({@code answer} becomes {@code gold}). */
  public static Dataset<Row> prompts(StepBatch batch, int attempt) {
    Dataset<Row> rows = batch.rows();
    List<org.apache.spark.sql.Column> cols = new java.util.ArrayList<>();
    for (String c : PROMPT_COLUMNS) {
      cols.add(col(c));
    }
    cols.add(col("answer").as("gold"));
    cols.add(lit(attempt).as("attempt"));
    return rows.select(cols.toArray(new org.apache.spark.sql.Column[0]));
  }

  /** Samples G responses per prompt (materialised once: generation never runs twice for one step). */
  public static Dataset<Row> rollouts(
      Dataset<Row> prompts, RolloutSpec spec, int partitions, LongAccumulator modelNanos) {
    return Rollouts.generate(prompts, spec, partitions, modelNanos).localCheckpoint(true);
  }

  /**
   * Hybrid reward (rule, then the judge where the rule fails), overlong shaping against this phase's response
   * budget, group-normalised advantages over the shaped reward and the dynamic-sampling {@code kept} flag over
   * accuracy; materialised.
   */
  public static Dataset<Row> score(
      Dataset<Row> rollouts, RewardsConfig rewards, Judge judge, CurriculumPhase phase) {
    RewardsConfig.OverlongConfig o = rewards.overlong();
    RewardsConfig forPhase = new RewardsConfig(
        rewards.sourceVerifiers(), rewards.judge(),
        new RewardsConfig.OverlongConfig(o.enabled(), phase.maxResponseTokens(),
            overlongCache(o, phase.maxResponseTokens()), o.penaltyFactor()),
        rewards.advantage());
    Dataset<Row> scored = HybridReward.score(rollouts, forPhase, judge);
    return GroupAdvantages.computeWithKept(scored, "sample_id", "data_source", HybridReward.SHAPED_REWARD,
            HybridReward.REWARD, rewards.advantage())
        .localCheckpoint(true);
  }

  /**
   * The overlong buffer for a phase's response budget: the configured share of the budget (DAPO: the last
   * {@code cache-length / max-length} of it is penalised linearly), at least one token.
   */
  static int overlongCache(RewardsConfig.OverlongConfig o, int budget) {
    return (int) Math.max(1, Math.round((double) budget * o.cacheLength() / o.maxLength()));
  }

  /** Per-prompt statistics for the hard-sample ledger: group mean accuracy and response count. */
  public static Dataset<Row> ledgerStats(Dataset<Row> scored) {
    return scored
        .groupBy(col("sample_id"), col("pick"))
        .agg(avg(when(col(HybridReward.REWARD).geq(1.0), 1.0).otherwise(0.0)).as("mean_reward"),
            count(lit(1)).cast("int").as("responses"));
  }

  /**
   * Step summary over all of the step's rollouts, as one row (computed by Spark, not on collected rows).
   * {@code wasted_rollout_share}: the share of the step's rollouts (extra dynamic-sampling batches included) in
   * zero-variance groups, i.e. with {@code kept = false}.
   */
  public static Row summary(Dataset<Row> scored) {
    return scored
        .agg(avg(col(HybridReward.SHAPED_REWARD)).as("reward_mean"),
            avg(when(col(HybridReward.REWARD).geq(1.0), 1.0).otherwise(0.0)).as("accuracy"),
            avg(col("response_tokens").cast("double")).as("response_len_mean"),
            max(col("response_tokens")).cast("double").as("response_len_max"),
            countDistinct(col("sample_id")).cast("double").as("groups"),
            countDistinct(when(col("kept"), col("sample_id"))).cast("double").as("kept_groups"),
            countDistinct(when(col("pick").equalTo(StepBatch.RETROSPECTIVE), col("sample_id")))
                .cast("double").as("retrospective_picks"),
            avg(when(col("kept"), 0.0).otherwise(1.0)).as("wasted_rollout_share"))
        .first();
  }

  /** The rows the optimizer trains on, in a deterministic order. */
  public static Dataset<Row> kept(Dataset<Row> scored) {
    return scored.where(col("kept"))
        .orderBy(col("attempt"), col("batch_index"), col("sample_id"), col("response_index"))
        .select(col("prompt_ids"), col("response_ids"), col("logprobs"), col(GroupAdvantages.ADVANTAGE),
            col(HybridReward.REWARD));
  }
}
