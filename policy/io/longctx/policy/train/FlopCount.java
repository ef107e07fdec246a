package io.longctx.policy.train;

import io.longctx.policy.model.Qwen2Config;

/**
 * Matmul FLOPs of a Qwen2 model (multiply-add = 2 FLOPs), the basis of the benchmark's achieved GFLOP/s. Only
 * matrix products are counted: the q/k/v/o and MLP projections, the LM head, and the two attention products
 * (Q K^T and A V) over the causally visible keys. Element-wise work (norms, RoPE, softmax) is not counted.
 *
 * @param linearParams weights of the per-layer projections (all layers)
 * @param headParams weights of the LM head (vocab x hidden; tied or not, it is a matmul)
 * @param layers decoder layers
 * @param attentionWidth query heads x head dim
 */
public record FlopCount(long linearParams, long headParams, int layers, long attentionWidth) {

  public static FlopCount of(Qwen2Config c) {
    long h = c.hiddenSize();
    long q = (long) c.numAttentionHeads() * c.headDim();
    long kv = (long) c.numKeyValueHeads() * c.headDim();
    long perLayer = h * q + 2 * h * kv + q * h + 3 * h * c.intermediateSize();
    return new FlopCount(perLayer * c.numHiddenLayers(), (long) c.vocabSize() * h, c.numHiddenLayers(), q);
  }

  /** Forward FLOPs of a causal prefill of {@code length} tokens that computes logits at every position. */
  public double prefill(long length) {
    return 2.0 * (linearParams + headParams) * length + attention(0, length);
  }

  /** Forward FLOPs of one decode step per sequence when {@code past} positions are cached. */
  public double decodeToken(long past) {
    return 2.0 * (linearParams + headParams) + 4.0 * layers * attentionWidth * (past + 1);
  }

  /**
   * Forward + backward FLOPs (3x forward) of one training pass over a sequence of {@code length} tokens whose
   * last {@code responseLength} positions are projected to the vocabulary.
   */
  public double trainSequence(long length, long responseLength) {
    return 3.0 * (2.0 * linearParams * length + 2.0 * headParams * responseLength + attention(0, length));
  }

  /** Q K^T and A V FLOPs for {@code n} new queries after {@code past} cached positions (causal). */
  double attention(long past, long n) {
    // query i (0-based among the new ones) sees past + i + 1 keys; sum = n * past + n (n + 1) / 2
    double keys = n * (double) past + n * (n + 1) / 2.0;
    return 4.0 * layers * attentionWidth * keys;
  }
}
