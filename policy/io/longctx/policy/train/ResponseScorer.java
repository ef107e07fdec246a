package io.longctx.policy.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.longctx.policy.generate.PaddedBatch;
import io.longctx.policy.generate.Scorer;
import io.longctx.policy.generate.TokenScores;
import java.util.List;

/**
 * Scores responses under the current weights with gradients flowing to the parameters: the trainer calls it
 * inside a {@code GradientCollector}. Implementations adapt a model (e.g. the Qwen2 scorer) to the trainer.
 */
@FunctionalInterface
public interface ResponseScorer {

  /**
   * Per-token log-probs of {@code responses[b]} given {@code prompts[b]}, right-padded to the longest response.
   *
   * @param manager where to create input tensors (outputs may live anywhere; the trainer scopes them)
   * @param withEntropy whether to also return the per-token entropy of the predictive distribution
   */
  Scored score(NDManager manager, List<int[]> prompts, List<int[]> responses, boolean withEntropy);

  /**
   * Adapts the generation-side {@link Scorer} (prompts left-padded with {@code padId} under an attention mask,
   * responses right-padded). {@link ModelResponseScorer} computes the same log-probs without a padding mask.
   */
  static ResponseScorer of(Scorer scorer, int padId) {
    return (manager, prompts, responses, withEntropy) -> {
      TokenScores s = scorer.score(PaddedBatch.of(prompts, responses, padId), withEntropy, manager);
      return new Scored(s.logProbs(), s.entropy());
    };
  }

  /**
   * @param logProbs [B, T] log-prob of each response token (padding positions: any finite value)
   * @param entropy [B, T] entropy of the distribution each response token was drawn from, or null
   */
  record Scored(NDArray logProbs, NDArray entropy) {}
}
