package io.longctx.policy.lora;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.longctx.policy.model.Golden;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.safetensors.SafetensorsReader;
import io.longctx.policy.safetensors.SafetensorsWriter;
import io.longctx.policy.train.LrSchedule;
import io.longctx.policy.train.ModelResponseScorer;
import io.longctx.policy.train.PolicyTrainer;
import io.longctx.policy.train.SftExample;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Parity with Hugging Face peft on the committed fixture {@code lora-golden} (written by
 * {@code scripts/check_lora_peft.py golden}): a PEFT adapter made by peft over the transformers model qwen2-tiny-a.
 * Our engine loads it and gives peft's logits and LoRA gradients; merged into the base it gives the same logits.
 */
class LoraPeftParityTest {
  static Path fixture() {
    try {
      return Path.of(LoraPeftParityTest.class.getResource("/lora-golden/golden.safetensors").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static NDArray golden(String name, NDManager m) {
    return SafetensorsReader.open(fixture().resolve("golden.safetensors")).read(name, m);
  }

  /** Mean next-token NLL of {@code ids} under {@code logits}, the loss the fixture's gradients are taken of. */
  private static NDArray nextTokenNll(NDArray logits, NDArray ids) {
    long t = ids.getShape().get(1);
    NDArray logp = logits.get(new NDIndex(":, 0:{}, :", t - 1)).logSoftmax(-1);
    NDArray targets = ids.get(new NDIndex(":, 1:{}", t)).toType(DataType.INT64, false).expandDims(2);
    return logp.gather(targets, 2).mean().neg();
  }

  @Test
  void peftAdapterGivesPeftLogitsAndGradients() {
    try (Qwen2Model base = Qwen2Model.load(Golden.modelDir(), Device.cpu());
        NDManager m = base.manager().newSubManager();
        LoraAdapter adapter = AdapterCheckpoints.loadAdapter(fixture().resolve("adapter"), base).attachTo(base)) {
      assertThat(adapter.config().rank()).isEqualTo(4);
      assertThat(adapter.scaling()).isEqualTo(3.0);
      assertThat(adapter.config().targets()).hasSize(7);
      NDArray ids = golden("input_ids", m);
      NDArray expected = golden("logits", m);
      assertThat(Golden.maxAbsDiff(base.forward(ids), expected)).isLessThanOrEqualTo(1e-4f);

      adapter.parameters().values().forEach(p -> p.setRequiresGradient(true));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray loss = nextTokenNll(base.forward(ids), ids);
        assertThat(loss.getFloat()).isCloseTo(golden("loss", m).getFloat(0),
            org.assertj.core.api.Assertions.withinPercentage(0.01));
        gc.backward(loss);
      }
      for (String name : List.of(
          "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
          "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight",
          "base_model.model.model.layers.1.mlp.down_proj.lora_A.weight",
          "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight")) {
        NDArray want = golden("grad." + name, m);
        NDArray got = adapter.parameters().get(name).getGradient();
        assertThat(Golden.maxAbsDiff(got, want) / want.abs().max().getFloat()).as(name).isLessThanOrEqualTo(1e-4f);
      }
    }
  }

  @Test
  void peftAdapterMergedIntoItsBaseGivesPeftLogits() {
    try (Qwen2Model base = Qwen2Model.load(Golden.modelDir(), Device.cpu());
        NDManager m = base.manager().newSubManager()) {
      try (LoraAdapter adapter = AdapterCheckpoints.loadAdapter(fixture().resolve("adapter"), base)) {
        adapter.mergeInto(base.parameters());
      }
      assertThat(Golden.maxAbsDiff(base.forward(golden("input_ids", m)), golden("logits", m)))
          .isLessThanOrEqualTo(1e-4f);
    }
  }

  /**
   * Not a test of its own: writes what {@code scripts/check_lora_peft.py verify} checks with peft. With
   * {@code -Dlongctx.peft.dump=DIR}: {@code DIR/adapter} (an adapter over qwen2-tiny-a, trained here by a few LoRA
   * SFT updates with dropout so that B is not zero; or the adapter named by {@code -Dlongctx.peft.adapter}) and
   * {@code DIR/ours.safetensors} (input ids and our engine's logits with the adapter attached, unmerged).
   */
  @Test
  @EnabledIfSystemProperty(named = "longctx.peft.dump", matches = ".+")
  void dumpOurAdapterAndLogitsForThePeftScript() {
    Path out = Path.of(System.getProperty("longctx.peft.dump"));
    String given = System.getProperty("longctx.peft.adapter", "");
    Path adapterDir = given.isEmpty() ? out.resolve("adapter") : Path.of(given);
    if (given.isEmpty()) {
      trainTinyAdapter(adapterDir);
    }
    try (Qwen2Model model = AdapterCheckpoints.load(adapterDir, Device.cpu());
        NDManager m = model.manager().newSubManager()) {
      Random rnd = new Random(3);
      int[] ids = rnd.ints(2 * 32, 0, model.config().vocabSize()).toArray();
      NDArray input = m.create(ids, new ai.djl.ndarray.types.Shape(2, 32));
      Map<String, NDArray> tensors = new LinkedHashMap<>();
      tensors.put("input_ids", input);
      tensors.put("logits", model.forward(input));
      SafetensorsWriter.write(out.resolve("ours.safetensors"), tensors, DataType.FLOAT32);
    }
  }

  private static void trainTinyAdapter(Path dir) {
    try (Qwen2Model base = Qwen2Model.load(Golden.modelDir(), Device.cpu());
        LoraAdapter adapter = LoraAdapter.create(
            new LoraConfig(true, 8, 16, 0.1, LoraConfig.defaults().targetModules(), List.of("sft")), base, 1)
            .attachTo(base);
        PolicyTrainer trainer = PolicyTrainer.builder()
            .setParameters(adapter.parameters())
            .setScorer(new ModelResponseScorer(base))
            .optSchedule(new LrSchedule(3e-2, 0, LrSchedule.Kind.CONSTANT, 0, 0))
            .optBatchSizes(4, 4)
            .optSeed(1)
            .build()) {
      Random rnd = new Random(2);
      List<SftExample> examples = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        examples.add(new SftExample(rnd.ints(10, 0, 384).toArray(), rnd.ints(6, 0, 384).toArray()));
      }
      for (int epoch = 0; epoch < 3; epoch++) {
        trainer.sftStep(examples);
      }
      adapter.save(dir, Golden.modelDir().toAbsolutePath().toString());
    }
  }
}
