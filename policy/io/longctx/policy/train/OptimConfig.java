package io.longctx.policy.train;

import io.longctx.common.Check;
import io.longctx.common.ConfigException;
import java.util.List;

/**
 * The {@code optim} config section: the policy loss, AdamW, the learning-rate schedule and how a step's batch is
 * split into updates. Used by both SFT and RL.
 *
 * @param lr peak learning rate (the paper uses 1e-6 for 14B/32B models; the embedded small model trains from
 *     scratch and needs far more)
 * @param beta1 AdamW first-moment decay
 * @param beta2 AdamW second-moment decay
 * @param eps AdamW denominator epsilon
 * @param weightDecay decoupled weight decay
 * @param warmupSteps optimizer updates of linear warmup
 * @param schedule {@code constant} or {@code cosine} after warmup
 * @param totalSteps optimizer updates over which a cosine schedule decays
 * @param minLrRatio cosine floor as a fraction of {@code lr}
 * @param maxGradNorm global gradient-norm clip threshold
 * @param clipRatioLow PPO ratio clip below 1 (eps_low)
 * @param clipRatioHigh PPO ratio clip above 1 (eps_high; DAPO clip-higher 0.28)
 * @param lossAgg {@code token-mean} (DAPO) or {@code seq-mean-token-mean} (GRPO)
 * @param entropyCoef entropy bonus weight (0 = off, the paper's setting)
 * @param klCoef low-variance KL penalty weight to the reference policy (0 = off, the paper's setting)
 * @param miniBatchSize sequences per optimizer update (verl's ppo_mini_batch_size times the group size)
 * @param microBatchSize sequences per forward/backward pass; gradients accumulate over a mini-batch
 * @param epochs passes over a step's batch (verl's ppo_epochs)
 */
public record OptimConfig(
    double lr,
    double beta1,
    double beta2,
    double eps,
    double weightDecay,
    int warmupSteps,
    String schedule,
    long totalSteps,
    double minLrRatio,
    double maxGradNorm,
    double clipRatioLow,
    double clipRatioHigh,
    String lossAgg,
    double entropyCoef,
    double klCoef,
    int miniBatchSize,
    int microBatchSize,
    int epochs) {

  public static OptimConfig defaults() {
    return new OptimConfig(
        3e-4, 0.9, 0.999, 1e-8, 0.01, 0, "constant", 1000, 0.0, 1.0, 0.2, 0.28, "token-mean", 0.0, 0.0, 32, 8, 1);
  }

  public void validate() {
    Check.range("optim.lr", lr, 1e-12, 1.0);
    Check.range("optim.beta1", beta1, 0.0, 0.999999);
    Check.range("optim.beta2", beta2, 0.0, 0.999999999);
    Check.range("optim.eps", eps, 0.0, 1.0);
    Check.range("optim.weight-decay", weightDecay, 0.0, 1.0);
    Check.nonNegative("optim.warmup-steps", warmupSteps);
    Check.oneOf("optim.schedule", schedule, List.of("constant", "cosine"));
    Check.positive("optim.total-steps", totalSteps);
    Check.range("optim.min-lr-ratio", minLrRatio, 0.0, 1.0);
    Check.positive("optim.max-grad-norm", maxGradNorm);
    Check.range("optim.clip-ratio-low", clipRatioLow, 0.0, 1.0);
    Check.range("optim.clip-ratio-high", clipRatioHigh, 0.0, 10.0);
    LossAggregation.parse("optim.loss-agg", lossAgg);
    Check.range("optim.entropy-coef", entropyCoef, 0.0, 1.0);
    Check.range("optim.kl-coef", klCoef, 0.0, 10.0);
    Check.positive("optim.mini-batch-size", miniBatchSize);
    Check.positive("optim.micro-batch-size", microBatchSize);
    if (microBatchSize > miniBatchSize) {
      throw new ConfigException(
          "optim.micro-batch-size", "must be <= mini-batch-size " + miniBatchSize + ", got " + microBatchSize);
    }
    Check.positive("optim.epochs", epochs);
  }

  /** The policy loss these settings describe. */
  public PolicyLoss policyLoss() {
    return PolicyLoss.builder()
        .optClipLow(clipRatioLow)
        .optClipHigh(clipRatioHigh)
        .optAggregation(LossAggregation.parse("optim.loss-agg", lossAgg))
        .optEntropyCoef(entropyCoef)
        .optKlCoef(klCoef)
        .build();
  }

  /** The SFT loss these settings describe (same aggregation). */
  public SftLoss sftLoss() {
    return new SftLoss(LossAggregation.parse("optim.loss-agg", lossAgg));
  }

  /** A fresh AdamW with these settings. */
  public AdamW newAdamW() {
    return AdamW.builder().optBetas(beta1, beta2).optEps(eps).optWeightDecay(weightDecay).build();
  }

  /** The learning-rate schedule these settings describe. */
  public LrSchedule lrSchedule() {
    LrSchedule.Kind kind = schedule.equals("cosine") ? LrSchedule.Kind.COSINE : LrSchedule.Kind.CONSTANT;
    return new LrSchedule(lr, warmupSteps, kind, totalSteps, minLrRatio);
  }
}
