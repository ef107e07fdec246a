package io.longctx.policy.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Supervised fine-tuning loss: the negative log-likelihood of the response tokens only (prompt tokens and
 * padding are masked out), aggregated with the same {@link LossAggregation} options as {@link PolicyLoss}.
 * Immutable and thread-safe.
 */
public final class SftLoss {
  private final LossAggregation aggregation;

  public SftLoss(LossAggregation aggregation) {
    this.aggregation = java.util.Objects.requireNonNull(aggregation, "aggregation");
  }

  public LossAggregation aggregation() {
    return aggregation;
  }

  /** The loss over one batch, normalised by that batch's own mask. */
  public LossResult compute(NDArray logProbs, NDArray mask) {
    return compute(logProbs, mask, null, LossDenominator.of(mask));
  }

  /**
   * The loss over one micro-batch of a mini-batch.
   *
   * @param logProbs [B, T] log-probs of the target response tokens (with gradient)
   * @param mask [B, T] 1 for response tokens, 0 for padding
   * @param entropy [B, T] per-token entropy for the statistics, or null
   * @param denominator the mini-batch's denominator
   */
  public LossResult compute(NDArray logProbs, NDArray mask, NDArray entropy, LossDenominator denominator) {
    Shape s = logProbs.getShape();
    if (s.dimension() != 2) {
      throw TrainErrors.shape("logProbs", "[B, T]", s);
    }
    Aggregation.requireShape("mask", mask, s);
    NDArray m = mask.toType(DataType.FLOAT32, false);
    NDArray loss = Aggregation.reduce(logProbs.neg(), m, aggregation, denominator);
    double entropySum = Double.NaN;
    if (entropy != null) {
      Aggregation.requireShape("entropy", entropy, s);
      entropySum = entropy.mul(m).sum().getFloat();
    }
    long tokens = (long) m.sum().getFloat();
    LossStats stats = new LossStats(loss.getFloat(), tokens, 0, Double.NaN, entropySum, Double.NaN);
    return new LossResult(loss, stats);
  }
}
