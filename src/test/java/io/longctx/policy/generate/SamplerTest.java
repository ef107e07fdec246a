package io.longctx.policy.generate;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Statistical checks of temperature / top-k / top-p sampling against the exact filtered distributions. */
class SamplerTest {
  static final float[] LOGITS = {2.0f, 1.5f, 0.3f, 0.0f, -0.5f, -1.0f, -3.0f};
  static final int N = 20000;
  NDManager m;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    m.close();
  }

  private int[] counts(GenerationConfig cfg) {
    float[] tiled = new float[N * LOGITS.length];
    for (int i = 0; i < N; i++) {
      System.arraycopy(LOGITS, 0, tiled, i * LOGITS.length, LOGITS.length);
    }
    NDArray logits = m.create(tiled, new Shape(N, LOGITS.length));
    Sampler.Choice c = new Sampler(cfg, N).choose(logits, java.util.stream.IntStream.range(0, N).toArray());
    int[] counts = new int[LOGITS.length];
    for (int t : c.tokens()) {
      counts[t]++;
    }
    // log-probs are the raw policy's (temperature 1, unfiltered)
    double[] raw = softmax(1.0);
    for (int i = 0; i < 50; i++) {
      assertThat((double) c.logProbs()[i]).isCloseTo(Math.log(raw[c.tokens()[i]]), org.assertj.core.data.Offset.offset(1e-5));
    }
    return counts;
  }

  static double[] softmax(double temperature) {
    double[] p = new double[LOGITS.length];
    double z = 0;
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp(LOGITS[i] / temperature);
      z += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= z;
    }
    return p;
  }

  /** Keeps the first tokens (LOGITS are sorted descending) per top-k then top-p, renormalised. */
  static double[] filtered(double temperature, int k, double topP) {
    double[] p = softmax(temperature);
    int keep = k > 0 ? Math.min(k, p.length) : p.length;
    double mass = 0;
    for (int i = 0; i < keep; i++) {
      mass += p[i];
    }
    double before = 0;
    int nucleus = 0;
    while (nucleus < keep && before / mass < topP) {
      before += p[nucleus];
      nucleus++;
    }
    double[] q = new double[p.length];
    for (int i = 0; i < nucleus; i++) {
      q[i] = p[i] / before;
    }
    return q;
  }

  private static void assertMatches(int[] counts, double[] expected) {
    double chi2 = 0;
    List<Integer> support = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      if (expected[i] == 0) {
        assertThat(counts[i]).as("token %d is outside the allowed set", i).isZero();
      } else {
        support.add(i);
        double e = expected[i] * N;
        chi2 += (counts[i] - e) * (counts[i] - e) / e;
      }
    }
    // df = support - 1 <= 6; 0.1% critical value for df 6 is 22.5
    assertThat(chi2).as("chi-square over %s, counts %s", support, java.util.Arrays.toString(counts)).isLessThan(22.5);
  }

  @Test
  void plainSamplingFollowsSoftmax() {
    assertMatches(counts(GenerationConfig.builder().setMaxNewTokens(1).optSeed(1).build()), filtered(1.0, 0, 1.0));
  }

  @Test
  void temperatureSharpens() {
    assertMatches(counts(GenerationConfig.builder().setMaxNewTokens(1).optSeed(2).optTemperature(0.5).build()),
        filtered(0.5, 0, 1.0));
  }

  @Test
  void topKKeepsTheKMostLikely() {
    assertMatches(counts(GenerationConfig.builder().setMaxNewTokens(1).optSeed(3).optTopK(3).build()),
        filtered(1.0, 3, 1.0));
  }

  @Test
  void topPKeepsTheNucleus() {
    double[] expected = filtered(1.0, 0, 0.8);
    assertThat(expected[3]).isZero(); // the nucleus really is smaller than the vocabulary
    assertMatches(counts(GenerationConfig.builder().setMaxNewTokens(1).optSeed(4).optTopP(0.8).build()), expected);
  }

  @Test
  void temperatureTopKAndTopPCombine() {
    assertMatches(counts(GenerationConfig.builder().setMaxNewTokens(1).optSeed(5).optTemperature(1.3).optTopK(5)
        .optTopP(0.9).build()), filtered(1.3, 5, 0.9));
  }

  @Test
  void greedyIsArgmax() {
    int[] c = counts(GenerationConfig.builder().setMaxNewTokens(1).optGreedy(true).build());
    assertThat(c[0]).isEqualTo(N);
  }
}
