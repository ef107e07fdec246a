package io.longctx.policy.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.longctx.policy.model.Qwen2Model;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One trainer step on the Qwen3 fixtures ({@code scripts/make_qwen3_goldens.py}): the production scorer (ragged
 * responses, right padding) and DAPO loss give transformers' loss and gradient norm, with and without gradient
 * accumulation.
 */
class Qwen3TrainerGoldenTest {
  private static final int PROMPT = 16;
  private static final int RESPONSE = 8;

  @ParameterizedTest
  @ValueSource(strings = {"qwen3-tiny-tied", "qwen3-tiny-untied-yarn"})
  void trainerLossAndGradNormMatchReference(String fixture) {
    Path dir = Path.of("src/test/resources/qwen3-golden", fixture);
    Map<String, Golden.Tensor> g = Golden.read(dir.resolve("golden.safetensors"));
    for (int micro : new int[] {4, 1}) {
      try (Qwen2Model model = Qwen2Model.load(dir.resolve("model"), Device.cpu());
          PolicyTrainer trainer = PolicyTrainer.builder()
              .setParameters(model.parameters())
              .setScorer(new ModelResponseScorer(model))
              .optOptimizer(AdamW.builder().build())
              .optSchedule(LrSchedule.constant(1e-3))
              .optMaxGradNorm(1e9)
              .optBatchSizes(4, micro)
              .optVocabSize(model.config().vocabSize())
              .build()) {
        UpdateStats u = trainer.step(Golden.rollouts(g, PROMPT, RESPONSE)).get(0);
        assertThat(Golden.relErr(u.loss(), g.get("grpo_loss").f32()[0])).as("micro %d", micro).isLessThanOrEqualTo(1e-4);
        assertThat(Golden.relErr(u.gradNorm(), g.get("grpo_grad_norm").f32()[0])).as("micro %d", micro)
            .isLessThanOrEqualTo(1e-4);
      }
    }
  }
}
