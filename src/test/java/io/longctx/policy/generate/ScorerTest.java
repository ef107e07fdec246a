package io.longctx.policy.generate;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import io.longctx.policy.model.Golden;
import io.longctx.policy.model.Qwen2Model;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scoring parity (log-probs, gradients through the model) with the transformers reference. */
class ScorerTest {

  @Test
  void responseLogProbsAndDapoGradientsMatchReference() {
    try (Qwen2Model model = Qwen2Model.load(Golden.modelDir(), Device.cpu());
        NDManager m = model.manager().newSubManager()) {
      NDArray seq = Golden.tensor("grpo_sequences", m);
      model.parameters().values().forEach(p -> p.setRequiresGradient(true));
      float lossValue;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        TokenScores s = new Scorer(model).score(seq, null, 20, false);
        assertThat(Golden.maxAbsDiff(s.logProbs(), Golden.tensor("grpo_logprobs", m))).isLessThanOrEqualTo(1e-4f);
        // token-mean DAPO clipped loss, exactly as README.json states
        NDArray loss = Golden.dapoLoss(s.logProbs(), m);
        lossValue = loss.getFloat();
        gc.backward(loss);
      }
      float refLoss = Golden.tensor("grpo_loss", m).getFloat(0);
      assertThat(Math.abs(lossValue - refLoss) / Math.abs(refLoss)).isLessThanOrEqualTo(1e-4f);
      float refNorm = Golden.tensor("grpo_grad_norm", m).getFloat(0);
      assertThat(Math.abs(Golden.gradientNorm(model) - refNorm) / refNorm).isLessThanOrEqualTo(1e-4);
      assertGradClose(model.parameters().get("model.embed_tokens.weight").getGradient(),
          Golden.tensor("grpo_grad_embed_tokens", m));
      assertGradClose(model.parameters().get("model.layers.0.self_attn.q_proj.weight").getGradient(),
          Golden.tensor("grpo_grad_layer0_q_proj_weight", m));
    }
  }

  private static void assertGradClose(NDArray got, NDArray expected) {
    float scale = expected.abs().max().getFloat();
    assertThat(Golden.maxAbsDiff(got, expected)).isLessThanOrEqualTo(1e-4f * scale + 1e-7f);
  }

  @Test
  void paddedBatchScoresEqualUnpaddedAndEntropyIsExact() {
    try (Qwen2Model model = Qwen2Model.load(Golden.modelDir(), Device.cpu());
        NDManager m = model.manager().newSubManager()) {
      int[][] seqs = toRows(Golden.tensor("grpo_sequences", m));
      float[] expected = Golden.tensor("grpo_logprobs", m).toFloatArray();
      // ragged prompts (cut from the left) and ragged responses (cut from the right)
      List<int[]> prompts = new ArrayList<>();
      List<int[]> responses = new ArrayList<>();
      int[] respLens = {12, 9, 12, 5};
      for (int i = 0; i < 4; i++) {
        prompts.add(java.util.Arrays.copyOfRange(seqs[i], 0, 20));
        responses.add(java.util.Arrays.copyOfRange(seqs[i], 20, 20 + respLens[i]));
      }
      prompts.set(1, java.util.Arrays.copyOfRange(seqs[1], 0, 20)); // same prompt, full
      PaddedBatch batch = PaddedBatch.of(prompts, responses, 0);
      Scorer scorer = new Scorer(model);
      try (TokenScores s = scorer.score(batch, true, m)) {
        float[] got = s.logProbs().toFloatArray();
        for (int i = 0; i < 4; i++) {
          for (int j = 0; j < respLens[i]; j++) {
            assertThat(got[i * 12 + j]).isCloseTo(expected[i * 12 + j], org.assertj.core.data.Offset.offset(1e-4f));
          }
        }
        // entropy from the full distribution, computed independently
        NDArray logp = model.forward(Golden.tensor("grpo_sequences", m)).logSoftmax(-1).get(new NDIndex(":, 19:31, :"));
        NDArray entropy = logp.exp().mul(logp).sum(new int[] {-1}).neg();
        assertThat(Golden.maxAbsDiff(s.entropy().get(new NDIndex("0, :")), entropy.get(new NDIndex("0, :"))))
            .isLessThanOrEqualTo(1e-4f);
      }

      // left padding of a shorter prompt leaves the scores unchanged
      List<int[]> shortPrompts = List.of(java.util.Arrays.copyOfRange(seqs[0], 8, 20), seqs[1].clone());
      List<int[]> two = List.of(java.util.Arrays.copyOfRange(seqs[0], 20, 32), new int[] {5, 6});
      try (TokenScores padded = scorer.score(PaddedBatch.of(shortPrompts, two, 0), false, m);
          TokenScores alone = scorer.score(PaddedBatch.of(shortPrompts.subList(0, 1), two.subList(0, 1), 0), false, m)) {
        NDArray a = padded.logProbs().get(new NDIndex("0, :"));
        assertThat(Golden.maxAbsDiff(a, alone.logProbs().get(new NDIndex("0, :")))).isLessThanOrEqualTo(1e-4f);
      }
    }
  }

  private static int[][] toRows(NDArray a) {
    int rows = (int) a.getShape().get(0);
    int cols = (int) a.getShape().get(1);
    int[] flat = a.toIntArray();
    int[][] out = new int[rows][cols];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(flat, i * cols, out[i], 0, cols);
    }
    return out;
  }


  @Test
  void outOfVocabularyIdsAreNamed() {
    try (Qwen2Model model = Qwen2Model.load(Golden.modelDir(), Device.cpu());
        NDManager m = model.manager().newSubManager()) {
      PaddedBatch bad = PaddedBatch.of(List.of(new int[] {1, 2}, new int[] {3}), List.of(new int[] {4}, new int[] {5, 400}), 0);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Scorer(model).score(bad, false, m))
          .isInstanceOf(io.longctx.policy.PolicyException.class)
          .hasMessageContaining("sequence 1 holds token id 400");
    }
  }
}
