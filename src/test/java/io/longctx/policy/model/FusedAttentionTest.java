package io.longctx.policy.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * PyTorch's fused attention (through the TorchScript module) against the chunked attention: the same logits and
 * gradients for unpadded batches with grouped KV heads, the chunked path for padded ones, no score matrix built.
 */
class FusedAttentionTest {
  static final Qwen2Config CONFIG = Qwen2ModelEquivalenceTest.CONFIG; // 6 query heads over 2 KV heads, YaRN

  private static Qwen2Model model(boolean fused) {
    return Qwen2ModelEquivalenceTest.sharpModel().setFusedAttention(fused).setAttentionChunk(7);
  }

  private static NDArray ids(NDManager m, int b, int l, long seed) {
    return Qwen2ModelEquivalenceTest.ids(m, b, l, seed);
  }

  @Test
  void theKernelLoads() {
    assertThat(FusedAttention.available()).isTrue();
  }

  @Test
  void logitsEqualChunkedAttentionWithoutBuildingScores() {
    try (Qwen2Model fused = model(true); Qwen2Model chunked = model(false);
        NDManager m = NDManager.newBaseManager()) {
      NDArray x = ids(m, 3, 45, 1);
      long calls = FusedAttention.CALLS.get();
      Attention.LARGEST_SCORES.set(0);
      NDArray a = fused.forward(x);
      assertThat(FusedAttention.CALLS.get() - calls).as("fused calls").isEqualTo(CONFIG.numHiddenLayers());
      assertThat(Attention.LARGEST_SCORES.get()).as("scores built by chunked attention").isZero();
      NDArray b = chunked.forward(x);
      assertThat(Golden.maxAbsDiff(a, b)).isLessThan(1e-4f * b.abs().max().getFloat());
    }
  }

  @Test
  void gradientsEqualChunkedAttention() {
    float[][] grads = new float[2][];
    for (int i = 0; i < 2; i++) {
      try (Qwen2Model mdl = model(i == 0); NDManager m = mdl.manager().newSubManager()) {
        NDArray q = mdl.parameters().get("model.layers.0.self_attn.q_proj.weight");
        NDArray k = mdl.parameters().get("model.layers.1.self_attn.k_proj.weight");
        q.setRequiresGradient(true);
        k.setRequiresGradient(true);
        NDArray pick = ids(m, 2, 30, 5).toType(ai.djl.ndarray.types.DataType.INT64, false).expandDims(2);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray logp = mdl.forward(ids(m, 2, 30, 4)).logSoftmax(-1);
          gc.backward(logp.gather(pick, 2).sum());
        }
        grads[i] = concat(q.getGradient().toFloatArray(), k.getGradient().toFloatArray());
      }
    }
    Qwen2ModelEquivalenceTest.assertGradientsClose(grads[0], grads[1]);
  }

  @Test
  void paddedBatchesUseTheChunkedAttention() {
    try (Qwen2Model fused = model(true); Qwen2Model chunked = model(false);
        NDManager m = NDManager.newBaseManager()) {
      NDArray x = ids(m, 2, 12, 2);
      int[] mask = new int[24];
      java.util.Arrays.fill(mask, 1);
      mask[0] = 0; // row 0 is left-padded by one position
      NDArray attn = m.create(mask, new Shape(2, 12));
      long calls = FusedAttention.CALLS.get();
      NDArray a = fused.forward(x, null, attn, null);
      assertThat(FusedAttention.CALLS.get()).isEqualTo(calls);
      assertThat(Golden.maxAbsDiff(a, chunked.forward(x, null, attn, null))).isZero();
      // an all-ones mask is no padding: the fused kernel runs
      NDArray ones = m.ones(new Shape(2, 12), ai.djl.ndarray.types.DataType.INT32);
      NDArray c = fused.forward(x, null, ones, null);
      assertThat(FusedAttention.CALLS.get() - calls).isEqualTo(CONFIG.numHiddenLayers());
      assertThat(Golden.maxAbsDiff(c, chunked.forward(x, null, ones, null)))
          .isLessThan(1e-4f * c.abs().max().getFloat());
    }
  }

  private static float[] concat(float[] a, float[] b) {
    float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

}
