package io.longctx.jobs.config;

import io.longctx.common.Check;

/**
 * The {@code train} config section: RL step settings (group size G, prompts per step, sampling).
 */
public record TrainConfig(String run, long seed, int groupSize, int batchSize, double temperature, double topP) {

  public static TrainConfig defaults() {
    return new TrainConfig("local", 7L, 8, 16, 0.7, 0.95);
  }

  public void validate() {
    Check.notBlank("train.run", run);
    Check.positive("train.group-size", groupSize);
    Check.positive("train.batch-size", batchSize);
    Check.positive("train.temperature", temperature);
    Check.range("train.top-p", topP, 1e-6, 1.0);
  }
}
