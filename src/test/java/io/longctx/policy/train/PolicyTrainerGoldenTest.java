package io.longctx.policy.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.longctx.policy.model.Qwen2Model;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Forward, loss, backward and one AdamW update of the real Qwen2 model against the transformers reference
 * (qwen2-tiny-a): response log-probs, token-mean DAPO loss, global gradient norm, the embedding and layer-0
 * q_proj gradients, and the q_proj weight after one update.
 */
class PolicyTrainerGoldenTest {
  private static final Map<String, Golden.Tensor> G = Golden.golden();
  private static final int PROMPT = 20;
  private static final int RESPONSE = 12;

  static List<Rollout> goldenRollouts() {
    return Golden.rollouts(G, PROMPT, RESPONSE);
  }

  @Test
  void lossGradNormAndGradientsMatchReference() {
    List<Rollout> rollouts = goldenRollouts();
    try (Qwen2Model model = Qwen2Model.load(Golden.MODEL_DIR, Device.cpu());
        NDManager m = NDManager.newBaseManager()) {
      model.parameters().values().forEach(p -> p.setRequiresGradient(true));
      ModelResponseScorer scorer = new ModelResponseScorer(model);
      NDArray loss;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        ResponseScorer.Scored s = scorer.score(m, rollouts.stream().map(Rollout::promptIds).toList(),
            rollouts.stream().map(Rollout::responseIds).toList(), true);
        float[] lp = s.logProbs().toFloatArray();
        float[] expected = G.get("grpo_logprobs").f32();
        float[] mask = G.get("grpo_response_mask").f32();
        for (int i = 0; i < lp.length; i++) {
          if (mask[i] > 0) {
            assertThat((double) lp[i]).as("log-prob %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4));
          }
        }
        LossResult r = PolicyLoss.builder().build().compute(PolicyLossInput.of(s.logProbs(),
            m.create(G.get("grpo_old_logprobs").f32(), new Shape(4, 12)),
            m.create(G.get("grpo_advantages").f32()), m.create(mask, new Shape(4, 12))));
        loss = r.loss();
        gc.backward(loss);
      }
      assertThat(Golden.relErr(loss.getFloat(), G.get("grpo_loss").f32()[0])).isLessThanOrEqualTo(1e-4);
      List<NDArray> grads = model.parameters().values().stream().map(NDArray::getGradient).toList();
      double norm = GradientClipping.globalNorm(grads);
      assertThat(Golden.relErr(norm, G.get("grpo_grad_norm").f32()[0])).isLessThanOrEqualTo(1e-4);
      assertGradClose(model, "model.embed_tokens.weight", "grpo_grad_embed_tokens");
      assertGradClose(model, "model.layers.0.self_attn.q_proj.weight", "grpo_grad_layer0_q_proj_weight");
    }
  }

  @Test
  void trainerUpdateMatchesReferenceAdamWStepWithAndWithoutAccumulation() {
    for (int micro : new int[] {4, 1}) {
      try (Qwen2Model model = Qwen2Model.load(Golden.MODEL_DIR, Device.cpu());
          PolicyTrainer trainer = PolicyTrainer.builder()
              .setParameters(model.parameters())
              .setScorer(new ModelResponseScorer(model))
              .optOptimizer(AdamW.builder().optBetas(0.9, 0.999).optEps(1e-8).optWeightDecay(0.01).build())
              .optSchedule(LrSchedule.constant(1e-3))
              .optMaxGradNorm(1e9) // the reference update is unclipped
              .optBatchSizes(4, micro)
              .optVocabSize(model.config().vocabSize())
              .build()) {
        List<UpdateStats> stats = trainer.step(goldenRollouts());
        assertThat(stats).hasSize(1);
        UpdateStats u = stats.get(0);
        assertThat(Golden.relErr(u.loss(), G.get("grpo_loss").f32()[0])).as("micro %d", micro).isLessThanOrEqualTo(1e-4);
        assertThat(Golden.relErr(u.gradNorm(), G.get("grpo_grad_norm").f32()[0])).isLessThanOrEqualTo(1e-4);
        assertThat(u.lr()).isEqualTo(1e-3);
        assertThat(u.tokens()).isEqualTo((long) sum(G.get("grpo_response_mask").f32()));
        assertThat(u.entropy()).isBetween(0.0, Math.log(384));
        float[] after = model.parameters().get("model.layers.0.self_attn.q_proj.weight").toFloatArray();
        assertThat(Golden.maxAbsDiff(after, G.get("adamw_layer0_q_proj_weight_after").f32()))
            .as("micro %d", micro).isLessThanOrEqualTo(1e-6);
      }
    }
  }

  private static void assertGradClose(Qwen2Model model, String param, String golden) {
    float[] g = model.parameters().get(param).getGradient().toFloatArray();
    float[] e = G.get(golden).f32();
    double scale = 0;
    for (float x : e) {
      scale = Math.max(scale, Math.abs(x));
    }
    assertThat(Golden.maxAbsDiff(g, e) / scale).as(param).isLessThanOrEqualTo(1e-4);
  }

  private static double sum(float[] a) {
    double s = 0;
    for (float x : a) {
      s += x;
    }
    return s;
  }
}
