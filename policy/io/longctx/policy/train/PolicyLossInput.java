package io.longctx.policy.train;

import ai.djl.ndarray.NDArray;

/**
 * The tensors of one policy-loss evaluation. B = sequences, T = response positions (right-padded).
 *
 * @param logProbs [B, T] log-probs of the response tokens under the current policy (with gradient)
 * @param oldLogProbs [B, T] log-probs under the policy that sampled the responses (no gradient)
 * @param advantages [B] one advantage per sequence (group-normalised reward)
 * @param mask [B, T] 1 for response tokens, 0 for padding
 * @param entropy [B, T] per-token entropy of the current policy, or null (needed only for the entropy bonus
 *     and the entropy statistic)
 * @param refLogProbs [B, T] log-probs under the reference policy, or null (needed only for the KL penalty)
 * @param pgWeights [B, T] weights of the per-token policy-gradient terms (0 drops a token's term, the denominators
 *     stay), or null for all 1
 */
public record PolicyLossInput(NDArray logProbs, NDArray oldLogProbs, NDArray advantages, NDArray mask,
    NDArray entropy, NDArray refLogProbs, NDArray pgWeights) {

  public PolicyLossInput(NDArray logProbs, NDArray oldLogProbs, NDArray advantages, NDArray mask, NDArray entropy,
      NDArray refLogProbs) {
    this(logProbs, oldLogProbs, advantages, mask, entropy, refLogProbs, null);
  }

  /** The common case: no entropy, no reference policy. */
  public static PolicyLossInput of(NDArray logProbs, NDArray oldLogProbs, NDArray advantages, NDArray mask) {
    return new PolicyLossInput(logProbs, oldLogProbs, advantages, mask, null, null);
  }

  public PolicyLossInput withEntropy(NDArray e) {
    return new PolicyLossInput(logProbs, oldLogProbs, advantages, mask, e, refLogProbs, pgWeights);
  }

  public PolicyLossInput withRefLogProbs(NDArray ref) {
    return new PolicyLossInput(logProbs, oldLogProbs, advantages, mask, entropy, ref, pgWeights);
  }

  public PolicyLossInput withPgWeights(NDArray w) {
    return new PolicyLossInput(logProbs, oldLogProbs, advantages, mask, entropy, refLogProbs, w);
  }
}
