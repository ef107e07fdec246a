package io.longctx.policy.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AdamW against the reference update, a double-precision re-implementation, and its own saved state. */
class AdamWTest {
  @TempDir Path dir;
  private NDManager m;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    m.close();
  }

  @Test
  void oneStepOnGoldenGradientMatchesTorchAdamW() {
    Golden.Tensor w0 = Golden.weights().get("model.layers.0.self_attn.q_proj.weight");
    Golden.Tensor g = Golden.golden().get("grpo_grad_layer0_q_proj_weight");
    float[] expected = Golden.golden().get("adamw_layer0_q_proj_weight_after").f32();
    var cfg = Golden.readme().get("adamw");
    NDArray p = m.create(w0.f32(), new Shape(w0.shape()));
    NDArray grad = m.create(g.f32(), new Shape(g.shape()));
    try (AdamW opt = AdamW.builder()
        .optBetas(cfg.get("betas").get(0).asDouble(), cfg.get("betas").get(1).asDouble())
        .optEps(cfg.get("eps").asDouble())
        .optWeightDecay(cfg.get("weight_decay").asDouble())
        .build()) {
      opt.step(Map.of("q", p), Map.of("q", grad), cfg.get("lr").asDouble());
      assertThat(opt.stepCount()).isEqualTo(1);
    }
    float[] after = p.toFloatArray();
    assertThat(Golden.maxAbsDiff(after, expected)).isLessThanOrEqualTo(1e-6);
    assertThat(Golden.maxAbsDiff(after, w0.f32())).as("the weights moved").isGreaterThan(5e-4);
  }

  @Test
  void severalStepsMatchDoublePrecisionReference() {
    Random rnd = new Random(11);
    int n = 257;
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = (float) rnd.nextGaussian();
    }
    NDArray p = m.create(w.clone(), new Shape(n));
    double[] ref = new double[n];
    double[] mm = new double[n];
    double[] vv = new double[n];
    for (int i = 0; i < n; i++) {
      ref[i] = w[i];
    }
    double b1 = 0.8;
    double b2 = 0.95;
    double eps = 1e-6;
    double wd = 0.1;
    try (AdamW opt = AdamW.builder().optBetas(b1, b2).optEps(eps).optWeightDecay(wd).build()) {
      for (int t = 1; t <= 5; t++) {
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
          g[i] = (float) (rnd.nextGaussian() * (i % 7 == 0 ? 1e-3 : 1));
        }
        double lr = 0.01 * t;
        opt.step(Map.of("w", p), Map.of("w", m.create(g, new Shape(n))), lr);
        for (int i = 0; i < n; i++) {
          ref[i] *= 1 - lr * wd;
          mm[i] = b1 * mm[i] + (1 - b1) * g[i];
          vv[i] = b2 * vv[i] + (1 - b2) * g[i] * g[i];
          double denom = Math.sqrt(vv[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
          ref[i] -= lr / (1 - Math.pow(b1, t)) * mm[i] / denom;
        }
      }
    }
    float[] got = p.toFloatArray();
    for (int i = 0; i < n; i++) {
      assertThat((double) got[i]).as("element %d", i).isCloseTo(ref[i], within(2e-6));
    }
  }

  @Test
  void savedStateResumesBitExactly() throws Exception {
    Random rnd = new Random(5);
    Map<String, NDArray> a = params(rnd);
    Map<String, NDArray> b = new LinkedHashMap<>();
    a.forEach((k, v) -> b.put(k, v.duplicate()));
    Path file = dir.resolve("opt/adamw.safetensors");
    float[][] grads = new float[3][];
    for (int t = 0; t < 3; t++) {
      grads[t] = randomFloats(rnd, 12 + 4);
    }
    try (AdamW first = AdamW.builder().build()) {
      first.step(a, grads(grads[0]), 1e-2);
      first.step(a, grads(grads[1]), 1e-2);
      first.save(file);
      b.forEach((k, v) -> v.set(a.get(k).toFloatArray()));
      first.step(a, grads(grads[2]), 1e-2);
    }
    try (AdamW resumed = AdamW.builder().build()) {
      resumed.load(file, b);
      assertThat(resumed.stepCount()).isEqualTo(2);
      resumed.step(b, grads(grads[2]), 1e-2);
    }
    for (String k : a.keySet()) {
      assertThat(b.get(k).toFloatArray()).as(k).containsExactly(a.get(k).toFloatArray());
    }
  }

  @Test
  void stateForAnotherModelOrADamagedFileIsRejected() throws Exception {
    Random rnd = new Random(5);
    Map<String, NDArray> a = params(rnd);
    Path file = dir.resolve("adamw.safetensors");
    try (AdamW opt = AdamW.builder().build()) {
      opt.step(a, grads(randomFloats(rnd, 16)), 1e-2);
      opt.save(file);
    }
    Map<String, NDArray> other = new LinkedHashMap<>();
    other.put("weight", m.zeros(new Shape(4, 4)));
    other.put("bias", m.zeros(new Shape(4)));
    try (AdamW opt = AdamW.builder().build()) {
      assertThatThrownBy(() -> opt.load(file, other))
          .hasMessageContaining("exp_avg.weight").hasMessageContaining("(3, 4)").hasMessageContaining("(4, 4)");
      byte[] bytes = Files.readAllBytes(file);
      Path cut = dir.resolve("cut.safetensors");
      Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 10));
      assertThatThrownBy(() -> opt.load(cut, a)).hasMessageContaining(cut.toString()).hasMessageContaining("truncated");
    }
  }

  private Map<String, NDArray> params(Random rnd) {
    Map<String, NDArray> p = new LinkedHashMap<>();
    p.put("weight", m.create(randomFloats(rnd, 12), new Shape(3, 4)));
    p.put("bias", m.create(randomFloats(rnd, 4), new Shape(4)));
    return p;
  }

  private Map<String, NDArray> grads(float[] g) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    out.put("weight", m.create(java.util.Arrays.copyOfRange(g, 0, 12), new Shape(3, 4)));
    out.put("bias", m.create(java.util.Arrays.copyOfRange(g, 12, 16), new Shape(4)));
    return out;
  }

  private static float[] randomFloats(Random rnd, int n) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) rnd.nextGaussian();
    }
    return f;
  }
}
