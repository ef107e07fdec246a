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
 */
public record Rollout(int[] promptIds, int[] responseIds, float[] oldLogProbs, float advantage, float[] refLogProbs) {

  public static Rollout of(int[] promptIds, int[] responseIds, float[] oldLogProbs, float advantage) {
    return new Rollout(promptIds, responseIds, oldLogProbs, advantage, null);
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
