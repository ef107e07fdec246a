package io.longctx.transforms.judge;

import io.longctx.rewards.Judge;
import io.longctx.rewards.Judges;
import io.longctx.rewards.RewardsConfig;

/** Builds the judge backend that {@code rewards.judge} configures. */
public final class JudgeBackends {
  private JudgeBackends() {}

  /**
   * The configured judge, or {@code null} when {@code rewards.judge.enabled} is off: the in-process
   * {@link LocalModelJudge} for {@code backend: local}, else the OpenAI-compatible HTTP judge.
   */
  public static Judge fromConfig(RewardsConfig.JudgeConfig cfg) {
    if (!cfg.enabled()) {
      return null;
    }
    return cfg.runsLocally() ? LocalModelJudge.fromConfig(cfg) : Judges.openAi(cfg);
  }
}
