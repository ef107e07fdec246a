package io.longctx.policy.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** AEPO's gate (hysteresis between two entropy bounds) and entropy-aware negative-gradient clipping. */
class EntropyControlTest {
  private static final OptimConfig.Aepo AEPO = new OptimConfig.Aepo(true, 0.3, 0.6);

  private static OptimConfig optim(OptimConfig.Aepo aepo, OptimConfig.NegativeClip clip) {
    OptimConfig d = OptimConfig.defaults();
    return new OptimConfig(d.lr(), d.beta1(), d.beta2(), d.eps(), d.weightDecay(), d.warmupSteps(), d.schedule(),
        d.totalSteps(), d.minLrRatio(), d.maxGradNorm(), d.clipRatioLow(), d.clipRatioHigh(), d.lossAgg(),
        d.entropyCoef(), d.klCoef(), d.miniBatchSize(), d.microBatchSize(), d.epochs(), aepo, clip);
  }

  private static Rollout rollout(float advantage, int tokens) {
    return Rollout.of(new int[] {1}, new int[tokens], new float[tokens], advantage);
  }

  @Test
  void theGateClosesAboveTheHighBoundOpensBelowTheLowAndHoldsInBetween() {
    EntropyControl.AepoState open = EntropyControl.AepoState.OPEN;
    EntropyControl.AepoState s = open;
    double[] entropies = {0.5, 0.7, 0.5, 0.31, 0.29, 0.5, 0.6, 0.61};
    boolean[] masked = {false, true, true, true, false, false, false, true};
    for (int i = 0; i < entropies.length; i++) {
      s = EntropyControl.nextState(AEPO, s, entropies[i]);
      assertThat(s.negativesMasked()).as("after entropy %s", entropies[i]).isEqualTo(masked[i]);
    }
    // disabled: always open
    assertThat(EntropyControl.nextState(new OptimConfig.Aepo(false, 0.3, 0.6), new EntropyControl.AepoState(true), 9)
        .negativesMasked()).isFalse();
  }

  @Test
  void aClosedGateKeepsOnlyPositiveAdvantageAndPositiveReward() {
    List<Rollout> batch = List.of(rollout(1f, 2), rollout(-1f, 2), rollout(0.5f, 2), rollout(0f, 2));
    double[] rewards = {1, 0, 0, 1}; // the third has positive advantage (shaping) but reward 0
    List<float[]> high = List.of(new float[] {1, 1}, new float[] {1, 1}, new float[] {1, 1}, new float[] {1, 1});
    EntropyControl.Result r = EntropyControl.apply(optim(AEPO, OptimConfig.NegativeClip.off()),
        EntropyControl.AepoState.OPEN, batch, rewards, high);
    assertThat(r.entropy()).isEqualTo(1.0);
    assertThat(r.state().negativesMasked()).isTrue();
    assertThat(r.batch()).containsExactly(batch.get(0));
    assertThat(r.droppedByAepo()).isEqualTo(3);
    // the same batch at an entropy between the bounds with the gate open keeps everything
    List<float[]> mid = List.of(new float[] {0.4f, 0.4f}, new float[] {0.4f, 0.4f}, new float[] {0.5f, 0.5f},
        new float[] {0.5f, 0.5f});
    EntropyControl.Result r2 = EntropyControl.apply(optim(AEPO, OptimConfig.NegativeClip.off()),
        EntropyControl.AepoState.OPEN, batch, rewards, mid);
    assertThat(r2.entropy()).isCloseTo(0.45, within(1e-6));
    assertThat(r2.batch()).hasSize(4);
    // ... and with the gate closed it stays closed (hysteresis)
    assertThat(EntropyControl.apply(optim(AEPO, OptimConfig.NegativeClip.off()), new EntropyControl.AepoState(true),
        batch, rewards, mid).batch()).hasSize(1);
  }

  @Test
  void negativeClipMasksHighEntropyTokensOfNegativeResponsesOnly() {
    List<Rollout> batch = List.of(rollout(1f, 4), rollout(-1f, 4), rollout(-0.5f, 2));
    List<float[]> e = List.of(new float[] {0.1f, 0.9f, 0.2f, 0.3f}, new float[] {0.8f, 0.1f, 0.95f, 0.2f},
        new float[] {0.05f, 0.5f});
    // the 10 token entropies sorted: .05 .1 .1 .2 .2 .3 .5 .8 .9 .95; quantile 0.8 at position 7.2: 0.8 + 0.2 * 0.1
    double q = EntropyControl.quantile(new double[] {0.1, 0.9, 0.2, 0.3, 0.8, 0.1, 0.95, 0.2, 0.05, 0.5}, 0.8);
    assertThat(q).isCloseTo(0.82, within(1e-6));
    List<float[]> w = EntropyControl.clipWeights(new OptimConfig.NegativeClip("high-entropy-tokens", 0.8), batch, e);
    assertThat(w.get(0)).isNull(); // positive advantage: its high-entropy token 0.9 keeps its gradient
    assertThat(w.get(1)).containsExactly(1f, 1f, 0f, 1f); // 0.95 > 0.82; 0.8 is below
    assertThat(w.get(2)).isNull(); // nothing above the threshold
    EntropyControl.Result r = EntropyControl.apply(optim(OptimConfig.Aepo.off(),
        new OptimConfig.NegativeClip("high-entropy-tokens", 0.8)), EntropyControl.AepoState.OPEN, batch,
        new double[] {1, 0, 0}, e);
    assertThat(r.tokensClipped()).isEqualTo(1);
    assertThat(r.tokens()).isEqualTo(10);
    assertThat(r.batch().get(1).pgWeights()).containsExactly(1f, 1f, 0f, 1f);
    assertThat(r.batch().get(0).pgWeights()).isNull();
  }

  @Test
  void negativeClipBySequenceDropsWholeHighEntropyNegativeResponses() {
    List<Rollout> batch = List.of(rollout(1f, 2), rollout(-1f, 2), rollout(-1f, 2), rollout(-1f, 2));
    List<float[]> e = List.of(new float[] {0.9f, 0.9f}, new float[] {0.7f, 0.9f}, new float[] {0.1f, 0.1f},
        new float[] {0.2f, 0.4f});
    // response means .9 .8 .1 .3; quantile 0.5 = 0.55
    List<float[]> w =
        EntropyControl.clipWeights(new OptimConfig.NegativeClip("high-entropy-sequences", 0.5), batch, e);
    assertThat(w.get(0)).isNull();
    assertThat(w.get(1)).containsExactly(0f, 0f);
    assertThat(w.get(2)).isNull();
    assertThat(w.get(3)).isNull();
  }
}
