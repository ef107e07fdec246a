package io.longctx.policy.train;

/**
 * One sampled response to train on with the policy loss.
 *
 * @param promptIds prompt token ids (at least one)
 * @param responseIds response token ids (at least one)
 * @param oldLogProbs log-prob of each response token under the policy that sampled it (same length as the
 *     response)
 * @param advantage the response's group-normalised advantage
 * @param refLogProbs log-probs under the reference policy (same length), or null when no KL penalty is used
 * @param pgWeights weight of each response token's policy-gradient term in [0, 1] (same length; 0 drops it, as
 *     entropy-aware negative clipping does), or null for all 1
 */
public record Rollout(
    int[] promptIds, int[] responseIds, float[] oldLogProbs, float advantage, float[] refLogProbs, float[] pgWeights) {

  public Rollout(int[] promptIds, int[] responseIds, float[] oldLogProbs, float advantage, float[] refLogProbs) {
    this(promptIds, responseIds, oldLogProbs, advantage, refLogProbs, null);
  }

  public static Rollout of(int[] promptIds, int[] responseIds, float[] oldLogProbs, float advantage) {
    return new Rollout(promptIds, responseIds, oldLogProbs, advantage, null, null);
  }

  /** This rollout with per-token policy-gradient weights (null: all 1). */
  public Rollout withPgWeights(float[] weights) {
    return new Rollout(promptIds, responseIds, oldLogProbs, advantage, refLogProbs, weights);
  }

  /** Throws an error naming rollout {@code index} and the reason when it cannot be trained on. */
  void validate(int index, int vocabSize) {
    SftExample.validateTokens(index, promptIds, responseIds, vocabSize);
    if (oldLogProbs == null || oldLogProbs.length != responseIds.length) {
      throw TrainErrors.badRollout(index, "it has " + (oldLogProbs == null ? "no" : oldLogProbs.length)
          + " old log-probs for " + responseIds.length + " response tokens");
    }
    if (!Float.isFinite(advantage)) {
      throw TrainErrors.badRollout(index, "its advantage is " + advantage);
    }
    checkLogProbs(index, "old", oldLogProbs);
    if (pgWeights != null) {
      if (pgWeights.length != responseIds.length) {
        throw TrainErrors.badRollout(index, "it has " + pgWeights.length + " policy-gradient weights for "
            + responseIds.length + " response tokens");
      }
      for (int i = 0; i < pgWeights.length; i++) {
        if (!(pgWeights[i] >= 0 && pgWeights[i] <= 1)) {
          throw TrainErrors.badRollout(index, "policy-gradient weight of response token " + i + " is " + pgWeights[i]
              + " (must be in [0, 1])");
        }
      }
    }
    if (refLogProbs != null) {
      if (refLogProbs.length != responseIds.length) {
        throw TrainErrors.badRollout(index, "it has " + refLogProbs.length + " reference log-probs for "
            + responseIds.length + " response tokens");
      }
      checkLogProbs(index, "reference", refLogProbs);
    }
  }

  private static void checkLogProbs(int index, String which, float[] lp) {
    for (int i = 0; i < lp.length; i++) {
      if (!(lp[i] <= 1e-4f) || lp[i] == Float.NEGATIVE_INFINITY) {
        throw TrainErrors.badRollout(index, which + " log-prob of response token " + i + " is " + lp[i]
            + " (must be finite and <= 0)");
      }
    }
  }
}
