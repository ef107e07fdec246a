package io.longctx.policy.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The clipped policy loss against the reference vectors and against a scalar re-implementation in double. */
class PolicyLossTest {
  private static final Map<String, Golden.Tensor> G = Golden.golden();
  private NDManager m;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    m.close();
  }

  private NDArray arr(String name) {
    Golden.Tensor t = G.get(name);
    return m.create(t.f32(), new Shape(t.shape()));
  }

  @Test
  void goldenAdvantagesFollowTheReadmeFormula() {
    float[] r = G.get("grpo_rewards").f32();
    double mean = 0;
    for (float x : r) {
      mean += x / r.length;
    }
    double ss = 0;
    for (float x : r) {
      ss += (x - mean) * (x - mean);
    }
    double std = Math.sqrt(ss / (r.length - 1));
    float[] adv = G.get("grpo_advantages").f32();
    for (int i = 0; i < r.length; i++) {
      assertThat(adv[i]).isCloseTo((float) ((r[i] - mean) / (std + 1e-6)), within(1e-6f));
    }
  }

  @Test
  void tokenMeanLossMatchesGolden() {
    PolicyLoss loss = PolicyLoss.builder().optClipLow(0.2).optClipHigh(0.28).build();
    LossResult r = loss.compute(
        PolicyLossInput.of(arr("grpo_logprobs"), arr("grpo_old_logprobs"), arr("grpo_advantages"),
            arr("grpo_response_mask")));
    double expected = G.get("grpo_loss").f32()[0];
    assertThat(Golden.relErr(r.loss().getFloat(), expected)).isLessThanOrEqualTo(1e-4);
    assertThat(Golden.relErr(r.stats().loss(), Golden.readme().get("loss_value").asDouble())).isLessThan(1e-4);
    Reference ref = reference(LossAggregation.TOKEN_MEAN);
    assertThat(r.stats().tokens()).isEqualTo(ref.tokens);
    assertThat(r.stats().clipFraction()).isCloseTo(ref.clipped / ref.tokens, within(1e-9));
    assertThat(r.stats().approxKl()).isCloseTo(ref.approxKl / ref.tokens, within(1e-6));
  }

  @Test
  void seqMeanTokenMeanMatchesScalarReference() {
    PolicyLoss loss = PolicyLoss.builder().optAggregation(LossAggregation.SEQ_MEAN_TOKEN_MEAN).build();
    LossResult r = loss.compute(
        PolicyLossInput.of(arr("grpo_logprobs"), arr("grpo_old_logprobs"), arr("grpo_advantages"),
            arr("grpo_response_mask")));
    Reference ref = reference(LossAggregation.SEQ_MEAN_TOKEN_MEAN);
    assertThat(r.loss().getFloat()).isCloseTo((float) ref.loss, within(1e-6f));
    // the ragged mask makes the two aggregations differ, so this test distinguishes them
    assertThat(ref.loss).isNotCloseTo(reference(LossAggregation.TOKEN_MEAN).loss, within(1e-4));
  }

  @Test
  void gradientWrtLogProbsIsMinusAdvantageTimesRatioWhereUnclipped() {
    NDArray logp = arr("grpo_logprobs");
    logp.setRequiresGradient(true);
    PolicyLoss loss = PolicyLoss.builder().build();
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      LossResult r = loss.compute(PolicyLossInput.of(logp, arr("grpo_old_logprobs"), arr("grpo_advantages"),
          arr("grpo_response_mask")));
      gc.backward(r.loss());
    }
    float[] grad = logp.getGradient().toFloatArray();
    float[] lp = G.get("grpo_logprobs").f32();
    float[] old = G.get("grpo_old_logprobs").f32();
    float[] adv = G.get("grpo_advantages").f32();
    float[] mask = G.get("grpo_response_mask").f32();
    long tokens = reference(LossAggregation.TOKEN_MEAN).tokens;
    int t = 12;
    for (int i = 0; i < lp.length; i++) {
      double a = adv[i / t];
      double ratio = Math.exp(lp[i] - old[i]);
      boolean clipActive = a > 0 ? ratio > 1.28 : a < 0 && ratio < 0.8;
      double expected = mask[i] == 0 || clipActive ? 0 : -a * ratio / tokens;
      assertThat((double) grad[i]).as("token %d", i).isCloseTo(expected, within(1e-6));
    }
  }

  @Test
  void zeroPolicyGradientWeightsDropThoseTokensGradientButKeepTheDenominator() {
    float[] lpArr = G.get("grpo_logprobs").f32();
    int t = 12;
    float[] w = new float[lpArr.length];
    java.util.Arrays.fill(w, 1f);
    for (int i = 0; i < t; i += 2) {
      w[t + i] = 0f; // every other token of the second sequence (negative clipping's mask)
    }
    NDArray logp = arr("grpo_logprobs");
    logp.setRequiresGradient(true);
    NDArray weighted = arr("grpo_logprobs");
    weighted.setRequiresGradient(true);
    PolicyLoss loss = PolicyLoss.builder().build();
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(loss.compute(PolicyLossInput.of(logp, arr("grpo_old_logprobs"), arr("grpo_advantages"),
          arr("grpo_response_mask"))).loss());
    }
    LossResult r;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      r = loss.compute(PolicyLossInput.of(weighted, arr("grpo_old_logprobs"), arr("grpo_advantages"),
          arr("grpo_response_mask")).withPgWeights(m.create(w, logp.getShape())));
      gc.backward(r.loss());
    }
    float[] full = logp.getGradient().toFloatArray();
    float[] clipped = weighted.getGradient().toFloatArray();
    for (int i = 0; i < full.length; i++) {
      // the kept tokens' gradients are unchanged: the token-mean denominator still counts the dropped tokens
      assertThat(clipped[i]).as("token %d", i).isCloseTo(w[i] == 0 ? 0f : full[i], within(1e-7f));
    }
    assertThat(r.stats().tokens()).isEqualTo(reference(LossAggregation.TOKEN_MEAN).tokens);
  }

  @Test
  void microBatchesWithMiniBatchDenominatorAddUpToTheWholeBatch() {
    NDArray lp = arr("grpo_logprobs");
    NDArray old = arr("grpo_old_logprobs");
    NDArray adv = arr("grpo_advantages");
    NDArray mask = arr("grpo_response_mask");
    for (LossAggregation agg : LossAggregation.values()) {
      PolicyLoss loss = PolicyLoss.builder().optAggregation(agg).build();
      LossStats whole = loss.compute(PolicyLossInput.of(lp, old, adv, mask)).stats();
      LossDenominator d = LossDenominator.of(mask);
      LossStats parts = LossStats.EMPTY;
      for (int[] range : new int[][] {{0, 1}, {1, 4}}) {
        String rows = range[0] + ":" + range[1];
        parts = parts.plus(loss.compute(PolicyLossInput.of(lp.get(rows), old.get(rows), adv.get(rows),
            mask.get(rows)), d).stats());
      }
      assertThat(parts.loss()).as(agg.key()).isCloseTo(whole.loss(), within(1e-6));
      assertThat(parts.tokens()).isEqualTo(whole.tokens());
      assertThat(parts.clipFraction()).isCloseTo(whole.clipFraction(), within(1e-9));
    }
  }

  @Test
  void entropyBonusAndLowVarianceKlFollowTheirFormulas() {
    Random rnd = new Random(3);
    float[] ent = new float[48];
    float[] refLp = new float[48];
    float[] lp = G.get("grpo_logprobs").f32();
    for (int i = 0; i < 48; i++) {
      ent[i] = 1 + rnd.nextFloat();
      refLp[i] = lp[i] + (float) rnd.nextGaussian() * 0.3f;
    }
    NDArray entropy = m.create(ent, new Shape(4, 12));
    NDArray ref = m.create(refLp, new Shape(4, 12));
    PolicyLossInput in = PolicyLossInput.of(arr("grpo_logprobs"), arr("grpo_old_logprobs"),
        arr("grpo_advantages"), arr("grpo_response_mask")).withEntropy(entropy).withRefLogProbs(ref);
    LossResult plain = PolicyLoss.builder().build().compute(in);
    LossResult both = PolicyLoss.builder().optEntropyCoef(0.01).optKlCoef(0.1).build().compute(in);
    float[] mask = G.get("grpo_response_mask").f32();
    double entSum = 0;
    double klSum = 0;
    long n = 0;
    for (int i = 0; i < 48; i++) {
      if (mask[i] > 0) {
        double d = refLp[i] - lp[i];
        entSum += ent[i];
        klSum += Math.exp(d) - d - 1;
        n++;
      }
    }
    assertThat(both.stats().entropy()).isCloseTo(entSum / n, within(1e-5));
    assertThat(both.stats().kl()).isCloseTo(klSum / n, within(1e-5));
    assertThat(both.stats().loss())
        .isCloseTo(plain.stats().loss() - 0.01 * entSum / n + 0.1 * klSum / n, within(1e-6));
    assertThat(plain.stats().loss()).isCloseTo(G.get("grpo_loss").f32()[0], within(1e-5));
  }

  @Test
  void klWithoutReferenceAndMismatchedShapesAreClearErrors() {
    PolicyLossInput in = PolicyLossInput.of(arr("grpo_logprobs"), arr("grpo_old_logprobs"),
        arr("grpo_advantages"), arr("grpo_response_mask"));
    assertThatThrownBy(() -> PolicyLoss.builder().optKlCoef(0.1).build().compute(in))
        .hasMessageContaining("reference log-probs").hasMessageContaining("kl-coef");
    PolicyLossInput bad = PolicyLossInput.of(arr("grpo_logprobs"), arr("grpo_old_logprobs").get(":, :11"),
        arr("grpo_advantages"), arr("grpo_response_mask"));
    assertThatThrownBy(() -> PolicyLoss.builder().build().compute(bad))
        .hasMessageContaining("oldLogProbs").hasMessageContaining("(4, 11)");
    assertThatThrownBy(() -> PolicyLoss.builder().optClipLow(1.5))
        .hasMessageContaining("clip-ratio-low=1.5").hasMessageContaining("[0.0, 1.0]");
    assertThatThrownBy(() -> new SftLoss(LossAggregation.TOKEN_MEAN).compute(
        arr("grpo_logprobs"), m.zeros(new Shape(4, 12)))).hasMessageContaining("no response token");
  }

  @Test
  void sftLossIsMeanNllOfResponseTokens() {
    SftLoss sft = new SftLoss(LossAggregation.TOKEN_MEAN);
    LossResult r = sft.compute(arr("grpo_logprobs"), arr("grpo_response_mask"));
    float[] lp = G.get("grpo_logprobs").f32();
    float[] mask = G.get("grpo_response_mask").f32();
    double s = 0;
    int n = 0;
    for (int i = 0; i < lp.length; i++) {
      if (mask[i] > 0) {
        s -= lp[i];
        n++;
      }
    }
    assertThat(r.loss().getFloat()).isCloseTo((float) (s / n), within(1e-5f));
    assertThat(r.stats().tokens()).isEqualTo(n);
  }

  private record Reference(double loss, long tokens, double clipped, double approxKl) {}

  /** The loss of README.json computed token by token in double. */
  private static Reference reference(LossAggregation agg) {
    float[] lp = G.get("grpo_logprobs").f32();
    float[] old = G.get("grpo_old_logprobs").f32();
    float[] adv = G.get("grpo_advantages").f32();
    float[] mask = G.get("grpo_response_mask").f32();
    int t = 12;
    double total = 0;
    double seqMeans = 0;
    long tokens = 0;
    int seqs = 0;
    double clipped = 0;
    double kl = 0;
    for (int b = 0; b < 4; b++) {
      double seqSum = 0;
      int seqTokens = 0;
      for (int j = 0; j < t; j++) {
        int i = b * t + j;
        if (mask[i] == 0) {
          continue;
        }
        double ratio = Math.exp(lp[i] - old[i]);
        double l1 = -adv[b] * ratio;
        double l2 = -adv[b] * Math.min(Math.max(ratio, 0.8), 1.28);
        seqSum += Math.max(l1, l2);
        clipped += l2 > l1 ? 1 : 0;
        kl += old[i] - lp[i];
        seqTokens++;
      }
      total += seqSum;
      tokens += seqTokens;
      if (seqTokens > 0) {
        seqMeans += seqSum / seqTokens;
        seqs++;
      }
    }
    double loss = agg == LossAggregation.TOKEN_MEAN ? total / tokens : seqMeans / seqs;
    return new Reference(loss, tokens, clipped, kl);
  }
}
