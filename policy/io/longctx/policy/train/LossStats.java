package io.longctx.policy.train;

/**
 * Statistics of one loss evaluation, kept as sums over tokens so that the stats of several micro-batches add up
 * ({@link #plus}) to the stats of their mini-batch. Means are derived on demand; a statistic that was not
 * computed (no entropy or reference log-probs given) is {@code NaN}.
 *
 * @param loss the loss value (already divided by the mini-batch {@link LossDenominator}, so micro-batches add)
 * @param tokens unmasked response tokens seen
 * @param clippedTokens tokens whose clipped surrogate was the active (larger) one
 * @param approxKlSum sum over tokens of {@code old_logp - logp} (verl's {@code ppo_kl})
 * @param entropySum sum over tokens of the policy entropy, or NaN
 * @param klSum sum over tokens of the low-variance KL to the reference policy, or NaN
 */
public record LossStats(
    double loss, long tokens, double clippedTokens, double approxKlSum, double entropySum, double klSum) {

  /** Stats of nothing; the identity of {@link #plus}. */
  public static final LossStats EMPTY = new LossStats(0, 0, 0, 0, 0, 0);

  public LossStats plus(LossStats o) {
    return new LossStats(
        loss + o.loss,
        tokens + o.tokens,
        clippedTokens + o.clippedTokens,
        approxKlSum + o.approxKlSum,
        entropySum + o.entropySum,
        klSum + o.klSum);
  }

  /** Fraction of tokens where the ratio clip was active. */
  public double clipFraction() {
    return mean(clippedTokens);
  }

  /** Mean {@code old_logp - logp} over tokens: a first-order estimate of KL(old || new). */
  public double approxKl() {
    return mean(approxKlSum);
  }

  /** Mean per-token policy entropy (nats), or NaN when not computed. */
  public double entropy() {
    return mean(entropySum);
  }

  /** Mean low-variance KL to the reference policy, or NaN when not computed. */
  public double kl() {
    return mean(klSum);
  }

  private double mean(double sum) {
    return tokens == 0 ? Double.NaN : sum / tokens;
  }
}
