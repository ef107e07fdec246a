package io.longctx.policy.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.longctx.policy.model.Qwen2Model;
import java.util.List;

/**
 * Scores responses with a {@link Qwen2Model} for training. Each sequence is prompt + response, right-padded to
 * the longest; right padding needs no attention mask under causal attention (real tokens never see the padding
 * after them) and keeps positions 0..len-1. Only the hidden states that predict response tokens are projected
 * to the vocabulary, so the [B, T, vocab] log-softmax covers responses, not prompts.
 *
 * <p>With a sampling temperature the log-probs are those of the tempered distribution {@code softmax(logits / T)}
 * the rollouts were drawn from (as verl's actor, which divides the logits by the rollout temperature both when it
 * recomputes the old log-probs and in the update), so the PPO ratio and the policy gradient refer to the policy
 * that actually sampled.
 */
public final class ModelResponseScorer implements ResponseScorer {
  private final Qwen2Model model;
  private final double temperature;

  /** Log-probs of the raw policy (temperature 1; SFT). */
  public ModelResponseScorer(Qwen2Model model) {
    this(model, 1.0);
  }

  /** Log-probs of {@code softmax(logits / temperature)}; {@code temperature} must be positive. */
  public ModelResponseScorer(Qwen2Model model, double temperature) {
    if (!(temperature > 0) || !Double.isFinite(temperature)) {
      throw new IllegalArgumentException("Scoring temperature must be positive and finite, got " + temperature);
    }
    this.model = model;
    this.temperature = temperature;
  }

  @Override
  public Scored score(NDManager manager, List<int[]> prompts, List<int[]> responses, boolean withEntropy) {
    int b = prompts.size();
    int len = 0;
    int t = 0;
    for (int i = 0; i < b; i++) {
      len = Math.max(len, prompts.get(i).length + responses.get(i).length);
      t = Math.max(t, responses.get(i).length);
    }
    int[] ids = new int[b * len];
    long[] gatherIdx = new long[b * t];
    long[] targets = new long[b * t];
    for (int i = 0; i < b; i++) {
      int[] p = prompts.get(i);
      int[] r = responses.get(i);
      System.arraycopy(p, 0, ids, i * len, p.length);
      System.arraycopy(r, 0, ids, i * len + p.length, r.length);
      for (int j = 0; j < t; j++) {
        boolean real = j < r.length;
        gatherIdx[i * t + j] = real ? p.length - 1 + j : p.length - 1;
        targets[i * t + j] = real ? r[j] : 0;
      }
    }
    NDArray input = manager.create(ids, new Shape(b, len));
    NDArray hidden = model.hiddenStates(input, null, null, null);
    long h = hidden.getShape().get(2);
    NDArray idx = manager.create(gatherIdx, new Shape(b, t, 1)).broadcast(b, t, h);
    NDArray logits = model.logits(hidden.gather(idx, 1));
    if (temperature != 1.0) {
      logits = logits.div((float) temperature);
    }
    NDArray logSm = logits.logSoftmax(-1);
    NDArray logProbs = logSm.gather(manager.create(targets, new Shape(b, t, 1)), 2).squeeze(2);
    NDArray entropy = null;
    if (withEntropy) {
      entropy = logSm.exp().mul(logSm).sum(new int[] {-1}).neg();
    }
    return new Scored(logProbs.toType(DataType.FLOAT32, false), entropy);
  }
}
