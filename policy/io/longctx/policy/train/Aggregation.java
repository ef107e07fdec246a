package io.longctx.policy.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Masked reductions shared by the losses. */
final class Aggregation {
  private Aggregation() {}

  /** Reduces per-token values [B, T] under a float mask [B, T] to a scalar divided by the denominator. */
  static NDArray reduce(NDArray perToken, NDArray mask, LossAggregation how, LossDenominator denominator) {
    NDArray masked = perToken.mul(mask);
    if (how == LossAggregation.TOKEN_MEAN) {
      return masked.sum().div((float) denominator.divisor(how));
    }
    NDArray perSeqTokens = mask.sum(new int[] {1}).maximum(1f);
    return masked.sum(new int[] {1}).div(perSeqTokens).sum().div((float) denominator.divisor(how));
  }

  static void requireShape(String name, NDArray a, Shape expected) {
    if (!a.getShape().equals(expected)) {
      throw TrainErrors.shape(name, expected.toString(), a.getShape());
    }
  }
}
