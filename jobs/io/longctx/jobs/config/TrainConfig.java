package io.longctx.jobs.config;

import io.longctx.common.Check;
import io.longctx.common.ConfigException;
import io.longctx.transforms.rollout.RolloutBackendConfig;

/**
 * The {@code train} config section: what one RL step samples and how a run is budgeted. The optimizer (LR,
 * clipping, loss aggregation, mini-batches) is the {@code optim} section. Paper values (QwenLong-L1): G = 8,
 * 128 prompts per step, temperature 0.7, top-p 0.95.
 *
 * @param run the run id: rows of every table carry it; re-invoking {@code train} with the same run resumes it
 * @param seed all randomness (batch selection, sampling) derives from (seed, step)
 * @param groupSize G responses sampled per prompt
 * @param batchSize prompts per RL step (the train batch)
 * @param topK 0 disables top-k
 * @param dynamicSampling drop groups whose accuracy has zero variance, generating up to
 *     {@code maxExtraBatches} further batches to refill the train batch
 * @param stepsPerInvocation a nightly budget: stop after this many steps (0 = run to the end of the curriculum)
 * @param rolloutPartitions how many Spark partitions the batch's prompts are spread over for rollouts
 * @param rolloutRowBudget most sequences one rollout task decodes at once (continuous batching: rows of several
 *     groups decode together, each prompt prefilled once for its G samples); at least {@code groupSize}
 * @param lease the run lease that keeps two invocations of one run (train, sft, run) from writing at once
 * @param rollout where rollouts are sampled: the built-in engine, or an OpenAI-compatible server
 *     ({@code train.rollout.backend: http}, with its endpoint, weight hand-over and client limits)
 */
public record TrainConfig(
    String run,
    long seed,
    int groupSize,
    int batchSize,
    double temperature,
    double topP,
    int topK,
    boolean dynamicSampling,
    int maxExtraBatches,
    int stepsPerInvocation,
    int rolloutPartitions,
    int rolloutRowBudget,
    LeaseConfig lease,
    RolloutBackendConfig rollout) {

  public static TrainConfig defaults() {
    return new TrainConfig("local", 7L, 8, 16, 0.7, 0.95, 0, true, 2, 0, 2, 64, LeaseConfig.defaults(),
        RolloutBackendConfig.defaults());
  }

  public void validate() {
    Check.notBlank("train.run", run);
    if (!run.matches("[A-Za-z0-9._-]+")) {
      throw new ConfigException("train.run", "may hold only letters, digits, '.', '_' and '-', got '" + run + "'");
    }
    Check.positive("train.group-size", groupSize);
    Check.positive("train.batch-size", batchSize);
    Check.positive("train.temperature", temperature);
    Check.range("train.top-p", topP, 1e-6, 1.0);
    Check.nonNegative("train.top-k", topK);
    Check.nonNegative("train.max-extra-batches", maxExtraBatches);
    Check.nonNegative("train.steps-per-invocation", stepsPerInvocation);
    Check.positive("train.rollout-partitions", rolloutPartitions);
    if (rolloutRowBudget < groupSize) {
      throw new ConfigException("train.rollout-row-budget",
          "must be at least train.group-size (" + groupSize + ") so that a group's samples decode together, got "
              + rolloutRowBudget);
    }
    if (lease == null) {
      throw new ConfigException("train.lease", "must be a mapping (ttl-seconds, heartbeat-seconds)");
    }
    lease.validate();
    if (rollout == null) {
      throw new ConfigException("train.rollout", "must be a mapping (backend, endpoint, ...)");
    }
    rollout.validate("train.rollout");
  }
}
