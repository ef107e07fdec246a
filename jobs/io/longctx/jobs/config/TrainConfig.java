package io.longctx.jobs.config;

import io.longctx.common.Check;
import io.longctx.common.ConfigException;
import java.util.List;

/**
 * The {@code train} config section: one RL step's settings. Paper values (QwenLong-L1) in brackets where the
 * embedded default differs: G [8], 128 prompts per step with mini-batch 32, temperature 0.7, top-p 0.95,
 * LR 2e-6, grad clip 1.0, DAPO loss with clip-higher 0.2 / 0.28, no KL, no entropy bonus.
 *
 * @param run the run id: rows of every table carry it; re-invoking {@code train} with the same run resumes it
 * @param seed all randomness (batch selection, sampling) derives from (seed, step)
 * @param groupSize G responses sampled per prompt
 * @param batchSize prompts per RL step (the train batch)
 * @param miniBatchSize prompts per optimizer update; batchSize / miniBatchSize updates per step
 * @param microBatchSize sequences per forward/backward pass (gradient accumulation inside a mini-batch)
 * @param topK 0 disables top-k
 * @param lrSchedule {@code constant} or {@code cosine}, after {@code warmupSteps} of linear warm-up
 * @param loss {@code dapo} (token-mean aggregation) or {@code grpo} (seq-mean-token-mean)
 * @param dynamicSampling drop groups whose accuracy has zero variance, regenerating up to
 *     {@code maxExtraBatches} further batches to refill the train batch
 * @param stepsPerInvocation a nightly budget: stop after this many steps (0 = run to the end of the curriculum)
 * @param rolloutPartitions how many Spark partitions the batch's prompts are spread over for rollouts
 */
public record TrainConfig(
    String run,
    long seed,
    int groupSize,
    int batchSize,
    int miniBatchSize,
    int microBatchSize,
    double temperature,
    double topP,
    int topK,
    double lr,
    int warmupSteps,
    String lrSchedule,
    double weightDecay,
    double gradClip,
    String loss,
    double clipEpsLow,
    double clipEpsHigh,
    double entropyCoef,
    double klCoef,
    boolean dynamicSampling,
    int maxExtraBatches,
    int stepsPerInvocation,
    int rolloutPartitions) {

  public static TrainConfig defaults() {
    return new TrainConfig(
        "local", 7L, 8, 16, 8, 16, 0.7, 0.95, 0, 2e-6, 0, "constant", 0.01, 1.0, "dapo", 0.2, 0.28, 0.0,
        0.0, true, 2, 0, 2);
  }

  public void validate() {
    Check.notBlank("train.run", run);
    if (!run.matches("[A-Za-z0-9._-]+")) {
      throw new ConfigException("train.run", "may hold only letters, digits, '.', '_' and '-', got '" + run + "'");
    }
    Check.positive("train.group-size", groupSize);
    Check.positive("train.batch-size", batchSize);
    Check.positive("train.mini-batch-size", miniBatchSize);
    Check.positive("train.micro-batch-size", microBatchSize);
    if (batchSize % miniBatchSize != 0) {
      throw new ConfigException(
          "train.mini-batch-size", "must divide train.batch-size " + batchSize + ", got " + miniBatchSize);
    }
    Check.positive("train.temperature", temperature);
    Check.range("train.top-p", topP, 1e-6, 1.0);
    Check.nonNegative("train.top-k", topK);
    Check.positive("train.lr", lr);
    Check.nonNegative("train.warmup-steps", warmupSteps);
    Check.oneOf("train.lr-schedule", lrSchedule, List.of("constant", "cosine"));
    Check.nonNegative("train.weight-decay", weightDecay);
    Check.positive("train.grad-clip", gradClip);
    Check.oneOf("train.loss", loss, List.of("dapo", "grpo"));
    Check.range("train.clip-eps-low", clipEpsLow, 0.0, 1.0);
    Check.range("train.clip-eps-high", clipEpsHigh, 0.0, 10.0);
    Check.nonNegative("train.entropy-coef", entropyCoef);
    Check.nonNegative("train.kl-coef", klCoef);
    Check.nonNegative("train.max-extra-batches", maxExtraBatches);
    Check.nonNegative("train.steps-per-invocation", stepsPerInvocation);
    Check.positive("train.rollout-partitions", rolloutPartitions);
  }
}
