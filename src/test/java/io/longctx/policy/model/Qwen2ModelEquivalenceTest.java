package io.longctx.policy.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.longctx.policy.generate.Scorer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Golden-independent checks on a model unlike the fixture (untied head, head_dim != hidden/heads, 3 queries
 * per KV head, YaRN): cache vs recomputation, chunked vs full attention with padding, gradients under chunking.
 */
class Qwen2ModelEquivalenceTest {
  static Qwen2Model model;
  static final Qwen2Config CONFIG = new Qwen2Config(
      40, 2, 6, 2, 10, 72, 97, 1e-6, false, 2048, 10000.0, RopeScaling.yarn(2.0, 64), List.of());

  @BeforeAll
  static void build() {
    model = sharpModel().setFusedAttention(false); // FusedAttentionTest covers the fused kernel
  }

  /** A random model of {@link #CONFIG} with weights x10 (not norms), so attention is far from uniform. */
  static Qwen2Model sharpModel() {
    Qwen2Model m = Qwen2Model.random(CONFIG, 3, Device.cpu());
    m.parameters().forEach((name, p) -> {
      if (!name.endsWith("norm.weight")) {
        p.muli(10);
      }
    });
    return m;
  }

  @AfterAll
  static void close() {
    model.close();
  }

  static NDArray ids(NDManager m, int b, int l, long seed) {
    Random r = new Random(seed);
    int[] v = new int[b * l];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextInt(CONFIG.vocabSize());
    }
    return m.create(v, new Shape(b, l));
  }

  @Test
  void kvCacheDecodingEqualsFullRecomputation() {
    try (NDManager m = model.manager().newSubManager()) {
      NDArray seq = ids(m, 2, 30, 1);
      NDArray full = model.forward(seq);
      try (KvCache cache = model.newCache(2, 30, m)) {
        NDArray prefix = model.forward(seq.get(new NDIndex(":, :12")), null, null, cache);
        assertThat(Golden.maxAbsDiff(prefix, full.get(new NDIndex(":, :12, :")))).isLessThan(1e-4f);
        NDArray block = model.forward(seq.get(new NDIndex(":, 12:17")), null, null, cache); // several at once
        assertThat(Golden.maxAbsDiff(block, full.get(new NDIndex(":, 12:17, :")))).isLessThan(1e-4f);
        for (int t = 17; t < 30; t++) {
          NDArray step = model.forward(seq.get(new NDIndex(":, {}:{}", t, t + 1)), null, null, cache);
          assertThat(Golden.maxAbsDiff(step, full.get(new NDIndex(":, {}:{}, :", t, t + 1)))).as("t=%d", t).isLessThan(1e-4f);
        }
        assertThat(cache.length()).isEqualTo(30);
      }
    }
  }

  @Test
  void chunkedEqualsFullAttentionWithLeftPadding() {
    try (NDManager m = model.manager().newSubManager()) {
      NDArray seq = ids(m, 3, 41, 2);
      int[] mask = new int[3 * 41];
      int[] pads = {0, 7, 40};
      for (int b = 0; b < 3; b++) {
        for (int j = pads[b]; j < 41; j++) {
          mask[b * 41 + j] = 1;
        }
      }
      NDArray attn = m.create(mask, new Shape(3, 41));
      NDArray pos = Scorer.positionsFromMask(attn);
      model.setAttentionChunk(1000);
      NDArray full = model.forward(seq, pos, attn, null);
      for (int chunk : new int[] {1, 4, 16, 40}) {
        model.setAttentionChunk(chunk);
        NDArray chunked = model.forward(seq, pos, attn, null);
        for (int b = 0; b < 3; b++) {
          NDIndex real = new NDIndex("{}, {}:, :", b, pads[b]);
          assertThat(Golden.maxAbsDiff(chunked.get(real), full.get(real))).as("chunk %d row %d", chunk, b).isLessThan(1e-4f);
        }
      }
      model.setAttentionChunk(Qwen2Model.DEFAULT_ATTENTION_CHUNK);
      // a padded row computes what the same tokens compute alone
      NDArray alone = model.forward(seq.get(new NDIndex("1:2, 7:")));
      assertThat(Golden.maxAbsDiff(full.get(new NDIndex("1:2, 7:, :")), alone)).isLessThan(1e-4f);
      assertThat(full.isNaN().any().getBoolean()).isFalse();
    }
  }

  @Test
  void gradientsUnderChunkedAttentionEqualFull() {
    float[][] grads = new float[2][];
    int i = 0;
    for (int chunk : new int[] {1000, 3}) {
      try (Qwen2Model mdl = Qwen2Model.random(CONFIG, 3, Device.cpu()); NDManager m = mdl.manager().newSubManager()) {
        mdl.setAttentionChunk(chunk).setFusedAttention(false);
        NDArray q = mdl.parameters().get("model.layers.0.self_attn.q_proj.weight");
        q.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray logp = mdl.forward(ids(m, 2, 20, 4)).logSoftmax(-1);
          gc.backward(logp.get(new NDIndex(":, :, 5")).sum());
        }
        grads[i++] = q.getGradient().toFloatArray();
      }
    }
    assertGradientsClose(grads[0], grads[1]);
  }

  /** Max abs difference within 1e-4 of the largest gradient, which must not be 0. */
  static void assertGradientsClose(float[] a, float[] b) {
    float maxAbs = 0;
    float maxDiff = 0;
    for (int j = 0; j < a.length; j++) {
      maxAbs = Math.max(maxAbs, Math.abs(a[j]));
      maxDiff = Math.max(maxDiff, Math.abs(a[j] - b[j]));
    }
    assertThat(maxAbs).isGreaterThan(0f);
    assertThat(maxDiff).as("max abs gradient difference (max |g| %s)", maxAbs).isLessThanOrEqualTo(1e-4f * maxAbs);
  }

  @Test
  void prefillScoresGrowLinearlyWithLength() {
    try (NDManager m = model.manager().newSubManager()) {
      model.setAttentionChunk(32);
      long[] largest = new long[2];
      int[] lengths = {256, 512};
      for (int i = 0; i < 2; i++) {
        Attention.LARGEST_SCORES.set(0);
        model.forward(ids(m, 1, lengths[i], 9)).close();
        largest[i] = Attention.LARGEST_SCORES.get();
        // at most heads x chunk x length scores at once, never heads x length x length
        assertThat(largest[i]).isEqualTo((long) CONFIG.numAttentionHeads() * 32 * lengths[i]);
      }
      assertThat(largest[1]).isEqualTo(2 * largest[0]);
    } finally {
      model.setAttentionChunk(Qwen2Model.DEFAULT_ATTENTION_CHUNK);
    }
  }

  @Test
  void forwardAndDecodingReleaseEveryIntermediate() {
    ai.djl.ndarray.BaseNDManager root = (ai.djl.ndarray.BaseNDManager) model.manager();
    int rootBefore = root.getManagedArrays().size();
    try (NDManager m = model.manager().newSubManager(); KvCache cache = model.newCache(2, 40, m)) {
      model.forward(ids(m, 2, 8, 5), null, null, cache).close();
      int before = ((ai.djl.ndarray.BaseNDManager) m).getManagedArrays().size();
      for (int t = 0; t < 10; t++) {
        try (NDArray step = ids(m, 2, 1, t)) {
          model.forward(step, null, null, cache).close();
        }
      }
      assertThat(((ai.djl.ndarray.BaseNDManager) m).getManagedArrays()).hasSize(before);
    }
    assertThat(root.getManagedArrays()).hasSize(rootBefore);
  }
}
