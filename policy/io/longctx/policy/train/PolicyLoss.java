package io.longctx.policy.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The GRPO/DAPO clipped surrogate policy loss (as verl computes it):
 *
 * <pre>
 *   ratio     = exp(clamp(logp - old_logp, -20, 20))
 *   per_token = max(-A * ratio, -A * clip(ratio, 1 - eps_low, 1 + eps_high)) * pg_weight   (pg_weight 1 unless given)
 *   loss      = aggregate(per_token) - entropy_coef * aggregate(entropy) + kl_coef * aggregate(kl_k3)
 *   kl_k3     = clamp(exp(ref - logp) - (ref - logp) - 1, -10, 10)      (low-variance KL, "k3")
 * </pre>
 *
 * where {@code aggregate} is {@link LossAggregation token-mean} (DAPO) or {@code seq-mean-token-mean} (GRPO) over
 * the response mask, divided by a {@link LossDenominator}. The paper's settings are the defaults: eps_low 0.2,
 * eps_high 0.28 (clip-higher), token-mean, no entropy bonus, no KL. Instances are immutable and thread-safe.
 */
public final class PolicyLoss {
  private final double clipLow;
  private final double clipHigh;
  private final LossAggregation aggregation;
  private final double entropyCoef;
  private final double klCoef;

  private PolicyLoss(Builder b) {
    this.clipLow = b.clipLow;
    this.clipHigh = b.clipHigh;
    this.aggregation = b.aggregation;
    this.entropyCoef = b.entropyCoef;
    this.klCoef = b.klCoef;
  }

  public static Builder builder() {
    return new Builder();
  }

  public LossAggregation aggregation() {
    return aggregation;
  }

  boolean needsEntropy() {
    return entropyCoef != 0;
  }

  double klCoef() {
    return klCoef;
  }

  /** The loss over one batch, normalised by that batch's own mask. */
  public LossResult compute(PolicyLossInput in) {
    return compute(in, LossDenominator.of(in.mask()));
  }

  /**
   * The loss over one micro-batch, normalised by the denominator of the mini-batch it belongs to. The loss
   * NDArray is attached to the manager of {@code in.logProbs()}.
   */
  public LossResult compute(PolicyLossInput in, LossDenominator denominator) {
    checkShapes(in);
    NDArray mask = in.mask().toType(DataType.FLOAT32, false);
    NDArray logRatio = in.logProbs().sub(in.oldLogProbs()).clip(-20.0, 20.0);
    NDArray ratio = logRatio.exp();
    NDArray negAdv = in.advantages().toType(DataType.FLOAT32, false).neg().expandDims(1);
    NDArray unclipped = negAdv.mul(ratio);
    NDArray clipped = negAdv.mul(ratio.clip(1.0 - clipLow, 1.0 + clipHigh));
    NDArray perToken = unclipped.maximum(clipped);
    if (in.pgWeights() != null) {
      perToken = perToken.mul(in.pgWeights().toType(DataType.FLOAT32, false));
    }
    NDArray loss = Aggregation.reduce(perToken, mask, aggregation, denominator);

    double entropySum = Double.NaN;
    if (in.entropy() != null) {
      entropySum = in.entropy().mul(mask).sum().getFloat();
      if (entropyCoef != 0) {
        loss = loss.sub(Aggregation.reduce(in.entropy(), mask, aggregation, denominator).mul((float) entropyCoef));
      }
    }
    double klSum = Double.NaN;
    if (in.refLogProbs() != null) {
      NDArray delta = in.refLogProbs().sub(in.logProbs());
      NDArray kl = delta.exp().sub(delta).sub(1f).clip(-10.0, 10.0);
      klSum = kl.mul(mask).sum().getFloat();
      if (klCoef != 0) {
        loss = loss.add(Aggregation.reduce(kl, mask, aggregation, denominator).mul((float) klCoef));
      }
    } else if (klCoef != 0) {
      throw TrainErrors.missingReference(klCoef);
    }
    long tokens = (long) mask.sum().getFloat();
    double clippedTokens = clipped.gt(unclipped).toType(DataType.FLOAT32, false).mul(mask).sum().getFloat();
    double approxKl = logRatio.neg().mul(mask).sum().getFloat();
    LossStats stats = new LossStats(loss.getFloat(), tokens, clippedTokens, approxKl, entropySum, klSum);
    return new LossResult(loss, stats);
  }

  private static void checkShapes(PolicyLossInput in) {
    Shape s = in.logProbs().getShape();
    if (s.dimension() != 2) {
      throw TrainErrors.shape("logProbs", "[B, T]", s);
    }
    Aggregation.requireShape("oldLogProbs", in.oldLogProbs(), s);
    Aggregation.requireShape("mask", in.mask(), s);
    Aggregation.requireShape("advantages", in.advantages(), new Shape(s.get(0)));
    if (in.entropy() != null) {
      Aggregation.requireShape("entropy", in.entropy(), s);
    }
    if (in.refLogProbs() != null) {
      Aggregation.requireShape("refLogProbs", in.refLogProbs(), s);
    }
    if (in.pgWeights() != null) {
      Aggregation.requireShape("pgWeights", in.pgWeights(), s);
    }
  }

  /** Builder: every setting is optional ({@code opt...}); defaults are the paper's DAPO settings. */
  public static final class Builder {
    private double clipLow = 0.2;
    private double clipHigh = 0.28;
    private LossAggregation aggregation = LossAggregation.TOKEN_MEAN;
    private double entropyCoef = 0.0;
    private double klCoef = 0.0;

    private Builder() {}

    /** Lower clip epsilon: the ratio is clipped at {@code 1 - clipLow} (default 0.2). */
    public Builder optClipLow(double v) {
      this.clipLow = TrainErrors.requireRange("clip-ratio-low", v, 0.0, 1.0);
      return this;
    }

    /** Upper clip epsilon: the ratio is clipped at {@code 1 + clipHigh} (default 0.28, DAPO clip-higher). */
    public Builder optClipHigh(double v) {
      this.clipHigh = TrainErrors.requireRange("clip-ratio-high", v, 0.0, 10.0);
      return this;
    }

    public Builder optAggregation(LossAggregation v) {
      this.aggregation = java.util.Objects.requireNonNull(v, "aggregation");
      return this;
    }

    /** Weight of the entropy bonus (default 0: off, as in the paper). */
    public Builder optEntropyCoef(double v) {
      this.entropyCoef = TrainErrors.requireRange("entropy-coef", v, 0.0, 1.0);
      return this;
    }

    /** Weight of the low-variance KL penalty to a reference policy (default 0: off, as in the paper). */
    public Builder optKlCoef(double v) {
      this.klCoef = TrainErrors.requireRange("kl-coef", v, 0.0, 10.0);
      return this;
    }

    public PolicyLoss build() {
      return new PolicyLoss(this);
    }
  }
}
