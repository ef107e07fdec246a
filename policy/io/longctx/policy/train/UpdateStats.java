package io.longctx.policy.train;

/**
 * What one optimizer update did.
 *
 * @param update 0-based index of this update over the trainer's lifetime (drives the LR schedule)
 * @param lr learning rate applied
 * @param loss loss of the mini-batch (before the update)
 * @param gradNorm global gradient L2 norm before clipping
 * @param entropy mean per-token policy entropy, or NaN when not computed
 * @param clipFraction fraction of tokens where the ratio clip was active (0 for SFT)
 * @param approxKl mean {@code old_logp - logp} (NaN for SFT)
 * @param kl mean low-variance KL to the reference policy, or NaN
 * @param tokens response tokens in the mini-batch
 * @param sequences sequences in the mini-batch
 * @param skipped true when the gradient norm was not finite and the update was skipped (as verl does)
 * @param seconds wall time of forward, backward and update
 */
public record UpdateStats(
    long update,
    double lr,
    double loss,
    double gradNorm,
    double entropy,
    double clipFraction,
    double approxKl,
    double kl,
    long tokens,
    int sequences,
    boolean skipped,
    double seconds) {}
