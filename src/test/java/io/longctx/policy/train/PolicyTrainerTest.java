package io.longctx.policy.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.longctx.policy.PolicyConfig;
import io.longctx.policy.model.Qwen2Config;
import io.longctx.policy.model.Qwen2Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer on a small random Qwen2 model: batching, determinism, resume, learning, and bad input. */
class PolicyTrainerTest {
  private static final Qwen2Config SMALL =
      Qwen2Config.embedded(new PolicyConfig.EmbeddedModel(32, 2, 4, 2, 64, 10000.0), 50);
  @TempDir Path dir;

  private static PolicyTrainer.Builder trainer(Qwen2Model model, int mini, int micro) {
    return PolicyTrainer.builder()
        .setParameters(model.parameters())
        .setScorer(new ModelResponseScorer(model))
        .optSchedule(new LrSchedule(1e-2, 2, LrSchedule.Kind.CONSTANT, 0, 0))
        .optBatchSizes(mini, micro)
        .optVocabSize(model.config().vocabSize());
  }

  /** Rollouts with ragged prompts and responses; old log-probs are the current policy's (on-policy). */
  private static List<Rollout> rollouts(Qwen2Model model, int n, long seed) {
    Random rnd = new Random(seed);
    List<int[]> prompts = new ArrayList<>();
    List<int[]> responses = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      prompts.add(rnd.ints(3 + rnd.nextInt(6), 0, 50).toArray());
      responses.add(rnd.ints(1 + rnd.nextInt(7), 0, 50).toArray());
    }
    List<Rollout> out = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager()) {
      float[] lp = new ModelResponseScorer(model).score(m, prompts, responses, false).logProbs().toFloatArray();
      int t = responses.stream().mapToInt(r -> r.length).max().orElseThrow();
      for (int i = 0; i < n; i++) {
        float[] old = java.util.Arrays.copyOfRange(lp, i * t, i * t + responses.get(i).length);
        out.add(Rollout.of(prompts.get(i), responses.get(i), old, (float) rnd.nextGaussian()));
      }
    }
    return out;
  }

  private static float[] flat(Qwen2Model model) {
    List<Float> all = new ArrayList<>();
    for (NDArray p : model.parameters().values()) {
      for (float f : p.toFloatArray()) {
        all.add(f);
      }
    }
    float[] out = new float[all.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = all.get(i);
    }
    return out;
  }

  @Test
  void splitsIntoMiniBatchesAndAccumulationEqualsOnePass() {
    float[][] results = new float[2][];
    List<List<UpdateStats>> runs = new ArrayList<>();
    int k = 0;
    for (int micro : new int[] {4, 1}) {
      try (Qwen2Model model = Qwen2Model.random(SMALL, 3, Device.cpu());
          PolicyTrainer t = trainer(model, 4, micro).build()) {
        List<UpdateStats> stats = t.step(rollouts(model, 10, 7));
        assertThat(stats).hasSize(3); // 4 + 4 + 2 sequences
        assertThat(stats).extracting(UpdateStats::sequences).containsExactly(4, 4, 2);
        assertThat(stats).extracting(UpdateStats::lr).containsExactly(5e-3, 1e-2, 1e-2);
        assertThat(stats.get(0).clipFraction()).isZero(); // on-policy: ratio 1 at the first update
        assertThat(stats.get(0).approxKl()).isCloseTo(0.0, within(1e-6));
        assertThat(stats.get(2).approxKl()).isNotEqualTo(0.0); // later mini-batches are off-policy
        assertThat(t.updates()).isEqualTo(3);
        results[k++] = flat(model);
        runs.add(stats);
      }
    }
    for (int u = 0; u < 3; u++) {
      UpdateStats a = runs.get(0).get(u);
      UpdateStats b = runs.get(1).get(u);
      assertThat(Golden.relErr(b.gradNorm(), a.gradNorm())).as("update %d", u).isLessThan(1e-5);
      assertThat(b.loss()).isCloseTo(a.loss(), within(1e-6));
    }
    // Adam normalises each element, so float summation-order noise in near-zero gradients can move an element
    // by a small fraction of lr (1e-2); a wrong accumulation would move them by O(lr).
    assertThat(Golden.maxAbsDiff(results[0], results[1])).isLessThan(1e-4);
  }

  @Test
  void modelScorerAgreesWithTheGenerationScorerOnRaggedBatches() {
    try (Qwen2Model model = Qwen2Model.random(SMALL, 21, Device.cpu());
        NDManager m = NDManager.newBaseManager()) {
      List<Rollout> rs = rollouts(model, 5, 4);
      List<int[]> prompts = rs.stream().map(Rollout::promptIds).toList();
      List<int[]> responses = rs.stream().map(Rollout::responseIds).toList();
      ResponseScorer.Scored a = new ModelResponseScorer(model).score(m, prompts, responses, true);
      ResponseScorer.Scored b = ResponseScorer.of(new io.longctx.policy.generate.Scorer(model), 0)
          .score(m, prompts, responses, true);
      float[] mask = io.longctx.policy.train.internal.Padding.mask(
          responses.stream().mapToInt(r -> r.length).toArray(), (int) a.logProbs().getShape().get(1));
      float[] la = a.logProbs().toFloatArray();
      float[] lb = b.logProbs().toFloatArray();
      float[] ea = a.entropy().toFloatArray();
      float[] eb = b.entropy().toFloatArray();
      for (int i = 0; i < mask.length; i++) {
        if (mask[i] > 0) {
          assertThat(la[i]).as("log-prob %d", i).isCloseTo(lb[i], within(2e-5f));
          assertThat(ea[i]).as("entropy %d", i).isCloseTo(eb[i], within(2e-5f));
        }
      }
    }
  }

  @Test
  void temperatureScorerGivesTheLogProbsOfTheTemperedDistribution() {
    double temperature = 0.7;
    try (Qwen2Model model = Qwen2Model.random(SMALL, 22, Device.cpu());
        NDManager m = NDManager.newBaseManager()) {
      int[] prompt = {3, 14, 15, 9};
      int[] response = {26, 5, 35};
      float[] tempered = new ModelResponseScorer(model, temperature)
          .score(m, List.of(prompt), List.of(response), false).logProbs().toFloatArray();
      float[] raw = new ModelResponseScorer(model).score(m, List.of(prompt), List.of(response), false)
          .logProbs().toFloatArray();
      // reference: the full forward's logits at the positions that predict each response token, divided by T
      int[] ids = {3, 14, 15, 9, 26, 5};
      float[] logits = model.forward(m.create(ids, new ai.djl.ndarray.types.Shape(1, ids.length)))
          .toFloatArray();
      int vocab = model.config().vocabSize();
      for (int j = 0; j < response.length; j++) {
        int row = (prompt.length - 1 + j) * vocab;
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
          max = Math.max(max, logits[row + v] / temperature);
        }
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
          sum += Math.exp(logits[row + v] / temperature - max);
        }
        double expected = logits[row + response[j]] / temperature - max - Math.log(sum);
        assertThat((double) tempered[j]).as("token %d", j).isCloseTo(expected, within(2e-5));
        assertThat(tempered[j]).as("token %d differs from T=1", j).isNotCloseTo(raw[j], within(1e-4f));
      }
    }
    assertThatThrownBy(() -> new ModelResponseScorer(null, 0.0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("temperature");
  }

  @Test
  void sameSeedSameResultAndResumeFromSavedStateIsBitExact() throws Exception {
    float[] straight;
    try (Qwen2Model model = Qwen2Model.random(SMALL, 5, Device.cpu());
        PolicyTrainer t = trainer(model, 3, 3).build()) {
      t.step(rollouts(model, 6, 1));
      t.step(rollouts(model, 6, 2));
      straight = flat(model);
    }
    Path ckpt = dir.resolve("ckpt");
    Path opt = dir.resolve("optimizer.safetensors");
    try (Qwen2Model model = Qwen2Model.random(SMALL, 5, Device.cpu());
        PolicyTrainer t = trainer(model, 3, 3).build()) {
      t.step(rollouts(model, 6, 1));
      model.save(ckpt);
      t.saveState(opt);
    }
    try (Qwen2Model model = Qwen2Model.load(ckpt, Device.cpu());
        PolicyTrainer t = trainer(model, 3, 3).build()) {
      t.loadState(opt);
      assertThat(t.updates()).isEqualTo(2);
      List<UpdateStats> s = t.step(rollouts(model, 6, 2));
      assertThat(s.get(0).update()).isEqualTo(2);
      assertThat(flat(model)).containsExactly(straight);
    }
  }

  @Test
  void policyStepsRaiseTheLikelihoodOfAdvantagedResponses() {
    try (Qwen2Model model = Qwen2Model.random(SMALL, 9, Device.cpu());
        PolicyTrainer t = trainer(model, 2, 2).build();
        NDManager m = NDManager.newBaseManager()) {
      int[] prompt = {1, 2, 3, 4};
      int[] good = {7, 7, 8};
      int[] bad = {9, 10, 11};
      ModelResponseScorer scorer = new ModelResponseScorer(model);
      float before = sum(scorer.score(m, List.of(prompt), List.of(good), false).logProbs().toFloatArray());
      for (int step = 0; step < 5; step++) {
        float[] lp = scorer.score(m, List.of(prompt, prompt), List.of(good, bad), false).logProbs().toFloatArray();
        t.step(List.of(Rollout.of(prompt, good, java.util.Arrays.copyOfRange(lp, 0, 3), 1f),
            Rollout.of(prompt, bad, java.util.Arrays.copyOfRange(lp, 3, 6), -1f)));
      }
      float after = sum(scorer.score(m, List.of(prompt), List.of(good), false).logProbs().toFloatArray());
      assertThat(after).isGreaterThan(before + 0.5f);
    }
  }

  @Test
  void sftStepsLowerTheResponseNll() {
    try (Qwen2Model model = Qwen2Model.random(SMALL, 11, Device.cpu());
        PolicyTrainer t = trainer(model, 4, 2).build()) {
      List<SftExample> data = List.of(new SftExample(new int[] {1, 2}, new int[] {3, 4, 5}),
          new SftExample(new int[] {6}, new int[] {7, 8}), new SftExample(new int[] {9, 9, 9}, new int[] {10}));
      double first = t.sftStep(data).get(0).loss();
      double last = first;
      for (int i = 0; i < 20; i++) {
        last = t.sftStep(data).get(0).loss();
      }
      assertThat(first).isCloseTo(Math.log(50), within(0.5)); // random init: near-uniform over 50 tokens
      assertThat(last).isLessThan(first * 0.5);
    }
  }

  @Test
  void badRolloutsAreNamedAndLeaveTheModelUntouched() {
    try (Qwen2Model model = Qwen2Model.random(SMALL, 13, Device.cpu());
        PolicyTrainer t = trainer(model, 4, 4).build()) {
      float[] before = flat(model);
      List<Rollout> ok = rollouts(model, 2, 3);
      Rollout shortOld = Rollout.of(new int[] {1}, new int[] {2, 3}, new float[] {-1f}, 1f);
      assertThatThrownBy(() -> t.step(List.of(ok.get(0), ok.get(1), shortOld)))
          .hasMessageContaining("Rollout #2").hasMessageContaining("1 old log-probs for 2 response tokens");
      Rollout oov = Rollout.of(new int[] {1}, new int[] {2, 99}, new float[] {-1f, -1f}, 1f);
      assertThatThrownBy(() -> t.step(List.of(oov)))
          .hasMessageContaining("Rollout #0").hasMessageContaining("id 99").hasMessageContaining("[0, 50)");
      Rollout nan = Rollout.of(new int[] {1}, new int[] {2}, new float[] {-1f}, Float.NaN);
      assertThatThrownBy(() -> t.step(List.of(nan))).hasMessageContaining("advantage is NaN");
      Rollout empty = Rollout.of(new int[] {1}, new int[] {}, new float[] {}, 1f);
      assertThatThrownBy(() -> t.step(List.of(empty))).hasMessageContaining("response is empty");
      try (PolicyTrainer withKl =
          trainer(model, 4, 4).optPolicyLoss(PolicyLoss.builder().optKlCoef(0.1).build()).build()) {
        assertThatThrownBy(() -> withKl.step(ok)).hasMessageContaining("no reference log-probs");
      }
      assertThat(flat(model)).containsExactly(before);
      assertThat(t.updates()).isZero();
    }
  }

  private static float sum(float[] a) {
    float s = 0;
    for (float x : a) {
      s += x;
    }
    return s;
  }
}
