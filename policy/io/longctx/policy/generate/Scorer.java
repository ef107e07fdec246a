package io.longctx.policy.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.longctx.policy.PolicyErrors;
import io.longctx.policy.model.Qwen2Model;

/**
 * Log-probabilities (and optionally entropies) of given responses under the model's current weights, in one
 * batched forward pass. Differentiable: call it inside a {@code GradientCollector} to train on the result.
 * Only response positions are projected to the vocabulary, so the cost of the LM head scales with the
 * response length, not the prompt length.
 */
public final class Scorer {
  private final Qwen2Model model;

  public Scorer(Qwen2Model model) {
    this.model = model;
  }

  /** Scores a {@link PaddedBatch}; the result (on the model's device) is attached to {@code manager}. */
  public TokenScores score(PaddedBatch batch, boolean withEntropy, NDManager manager) {
    int vocab = model.config().vocabSize();
    for (int i = 0; i < batch.batchSize(); i++) {
      for (int j = 0; j < batch.ids()[i].length; j++) {
        int id = batch.ids()[i][j];
        if (batch.attentionMask()[i][j] == 1 && (id < 0 || id >= vocab)) {
          throw PolicyErrors.badRequest("sequence " + i + " holds token id " + id + " at column " + j
              + ", outside the vocabulary [0, " + vocab + ")");
        }
      }
    }
    try (NDManager tmp = model.manager().newSubManager()) {
      NDList arrays = batch.toArrays(tmp);
      TokenScores s = score(arrays.get(0), arrays.get(1), batch.promptLength(), withEntropy);
      s.logProbs().attach(manager);
      if (s.entropy() != null) {
        s.entropy().attach(manager);
      }
      return s;
    }
  }

  /**
   * @param sequences {@code [B, T]} token ids: prompt (left-padded) then response (right-padded)
   * @param attentionMask {@code [B, T]}, 1 for real tokens, or {@code null} when nothing is padded
   * @param responseStart column of the first response token ({@code >= 1})
   * @param withEntropy also compute the entropy of each next-token distribution
   * @return scores {@code [B, T - responseStart]} attached to the manager of {@code sequences}
   */
  public TokenScores score(NDArray sequences, NDArray attentionMask, int responseStart, boolean withEntropy) {
    long t = sequences.getShape().get(1);
    if (responseStart < 1 || responseStart >= t) {
      throw new IllegalArgumentException("responseStart must be in [1, " + (t - 1) + "], got " + responseStart);
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray positions = attentionMask == null ? null : positionsFromMask(attentionMask);
      NDArray hidden = model.hiddenStates(sequences, positions, attentionMask, null);
      NDArray predicting = hidden.get(new NDIndex(":, {}:{}, :", responseStart - 1, t - 1));
      NDArray logp = model.logits(predicting).logSoftmax(-1);
      NDArray targets = sequences.get(new NDIndex(":, {}:", responseStart)).toType(DataType.INT64, false);
      NDArray tokenLogp = logp.gather(targets.expandDims(2), 2).squeeze(2);
      NDArray entropy = withEntropy ? logp.exp().mul(logp).sum(new int[] {-1}).neg() : null;
      NDScope.unregister(tokenLogp);
      tokenLogp.attach(sequences.getManager());
      if (entropy != null) {
        NDScope.unregister(entropy);
        entropy.attach(sequences.getManager());
      }
      return new TokenScores(tokenLogp, entropy);
    }
  }

  /** Rotary positions for a left-padded batch: real tokens count 0, 1, 2, ...; padding gets 0. */
  public static NDArray positionsFromMask(NDArray attentionMask) {
    NDArray m = attentionMask.toType(DataType.INT32, false);
    return m.cumSum(1).sub(1).maximum(0).mul(m);
  }
}
