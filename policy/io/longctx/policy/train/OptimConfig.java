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
 * @param aepo QwenLong-L1.5's adaptive entropy-controlled policy optimisation (off by default)
 * @param negativeClip entropy-aware clipping of negative gradients (off by default)
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
    int epochs,
    Aepo aepo,
    NegativeClip negativeClip) {

  public static OptimConfig defaults() {
    return new OptimConfig(3e-4, 0.9, 0.999, 1e-8, 0.01, 0, "constant", 1000, 0.0, 1.0, 0.2, 0.28, "token-mean", 0.0,
        0.0, 32, 8, 1, Aepo.off(), NegativeClip.off());
  }

  /** These settings with the RL-only entropy controls (AEPO, negative clipping) of {@code from}. */
  public OptimConfig withEntropyControls(OptimConfig from) {
    return new OptimConfig(lr, beta1, beta2, eps, weightDecay, warmupSteps, schedule, totalSteps, minLrRatio,
        maxGradNorm, clipRatioLow, clipRatioHigh, lossAgg, entropyCoef, klCoef, miniBatchSize, microBatchSize, epochs,
        from.aepo(), from.negativeClip());
  }

  /** Whether the step needs the old policy's per-token entropy (AEPO's gate or negative clipping). */
  public boolean needsOldEntropy() {
    return aepo.enabled() || !NegativeClip.NONE.equals(negativeClip.mode());
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
    if (aepo == null) {
      throw new ConfigException("optim.aepo", "must be a mapping (enabled, entropy-low, entropy-high)");
    }
    aepo.validate();
    if (negativeClip == null) {
      throw new ConfigException("optim.negative-clip", "must be a mapping (mode, quantile)");
    }
    negativeClip.validate();
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

  /**
   * The {@code optim.aepo} section: AEPO (QwenLong-L1.5, adaptive entropy-controlled policy optimisation). While the
   * batch's mean token entropy under the sampling policy is above {@code entropyHigh}, an update trains only on
   * responses with positive advantage and positive reward (negative gradients raise entropy); once it falls below
   * {@code entropyLow} the negative responses return. In between the previous state holds (hysteresis).
   */
  public record Aepo(boolean enabled, double entropyLow, double entropyHigh) {
    public static Aepo off() {
      return new Aepo(false, 0.3, 0.6);
    }

    public void validate() {
      Check.nonNegative("optim.aepo.entropy-low", entropyLow);
      if (!(entropyHigh >= entropyLow) || Double.isInfinite(entropyHigh)) {
        throw new ConfigException("optim.aepo.entropy-high",
            "must be a finite entropy (nats) >= entropy-low " + entropyLow + ", got " + entropyHigh);
      }
    }
  }

  /**
   * The {@code optim.negative-clip} section (QwenLong-L1.5's entropy-aware negative-gradient clipping): in responses
   * with negative advantage, the policy-gradient term of high-entropy tokens ({@code high-entropy-tokens}: tokens
   * whose entropy is above the batch's {@code quantile} of token entropies) or of whole high-entropy responses
   * ({@code high-entropy-sequences}: mean token entropy above that quantile of the batch's responses) is dropped.
   * Loss denominators are unchanged.
   */
  public record NegativeClip(String mode, double quantile) {
    public static final String NONE = "none";
    public static final String TOKENS = "high-entropy-tokens";
    public static final String SEQUENCES = "high-entropy-sequences";

    public static NegativeClip off() {
      return new NegativeClip(NONE, 0.8);
    }

    public void validate() {
      Check.oneOf("optim.negative-clip.mode", mode, List.of(NONE, TOKENS, SEQUENCES));
      if (!(quantile > 0 && quantile < 1)) {
        throw new ConfigException("optim.negative-clip.quantile", "must be in (0, 1), got " + quantile);
      }
    }
  }
}
