package io.longctx.transforms.eval;

import io.longctx.rewards.Judge;
import io.longctx.rewards.RewardsConfig;
import io.longctx.transforms.judge.JudgeBackends;
import java.io.Serializable;
import java.util.Collection;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Scores responses: the evaluation's score is max(rule verifier, LLM judge) with the judge asked only where the
 * rule fails, plus EM and F1 against the gold. Implemented over the rewards area's hybrid reward.
 */
public interface ResponseScorer extends Serializable {

  /**
   * Input columns: {@code data_source}, {@code question}, {@code response}, {@code gold} (one gold string).
   * Adds {@code pred} (nullable string), {@code rule_score}, {@code judge_score} (nullable double, null where the
   * judge was not asked), {@code judge_verdict} (nullable string), {@code score}, {@code em}, {@code f1}.
   */
  Dataset<Row> score(Dataset<Row> responses);

  /** Fails, naming the fix, when a data source has no verifier; called before any generation starts. */
  void validateSources(Collection<String> dataSources);

  /**
   * The scorer over the rewards area's hybrid reward, configured by the {@code rewards} section; {@code judge}
   * (nullable) is asked where the rule fails when {@code rewards.judge.enabled} is on.
   */
  static ResponseScorer hybrid(RewardsConfig rewards, Judge judge) {
    return new HybridResponseScorer(rewards, judge);
  }

  /**
   * As {@link #hybrid(RewardsConfig, Judge)} with the configured judge backend (HTTP or in-process), when
   * enabled.
   */
  static ResponseScorer hybrid(RewardsConfig rewards) {
    return new HybridResponseScorer(rewards, JudgeBackends.fromConfig(rewards.judge()));
  }
}
