package io.longctx.policy.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.policy.PolicyException;
import io.longctx.policy.model.Golden;
import io.longctx.policy.model.GoldenModelTest;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.safetensors.SafetensorsReader;
import io.longctx.policy.train.LrSchedule;
import io.longctx.policy.train.ModelResponseScorer;
import io.longctx.policy.train.PolicyTrainer;
import io.longctx.policy.train.SftExample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA adapters on the golden model: the hook, merge, PEFT files, what trains, dropout, and errors. */
class LoraAdapterTest extends GoldenModelTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private static LoraConfig lora(int rank, double alpha, double dropout, String... targets) {
    return TestAdapters.lora(rank, alpha, dropout, targets);
  }

  private static LoraAdapter trained(LoraConfig config, Qwen2Model on, long seed) {
    return TestAdapters.trained(config, on, seed, 0.1);
  }

  @AfterEach
  void detach() {
    model.setAdapter(null);
  }

  @Test
  void freshAdapterHasPeftShapesAndLeavesTheLogitsAlone() {
    NDArray ids = Golden.tensor("forward_input_ids", m);
    NDArray base = model.forward(ids);
    try (LoraAdapter a = LoraAdapter.create(lora(4, 8, 0), model, 1).attachTo(model)) {
      assertThat(a.parameters()).hasSize(2 * 7 * 2);
      NDArray qa = a.parameters().get("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight");
      assertThat(qa.getShape()).isEqualTo(new Shape(4, 64));
      assertThat(qa.abs().max().getFloat()).isLessThanOrEqualTo(1 / 8f).isGreaterThan(0.05f); // U(+-1/sqrt(in))
      assertThat(a.parameters().get("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight").getShape())
          .isEqualTo(new Shape(4, 176));
      assertThat(a.parameters().get("base_model.model.model.layers.1.self_attn.k_proj.lora_B.weight").getShape())
          .isEqualTo(new Shape(32, 4));
      assertThat(a.parameters().get("base_model.model.model.layers.1.self_attn.k_proj.lora_B.weight").abs().sum()
          .getFloat()).isZero();
      assertThat(a.scaling()).isEqualTo(2.0);
      assertThat(Golden.maxAbsDiff(model.forward(ids), base)).isZero();
    }
  }

  @Test
  void unmergedAdapterEqualsMergedWeightsAndChangesTheLogits() {
    NDArray ids = Golden.tensor("forward_input_ids", m);
    NDArray base = model.forward(ids);
    try (LoraAdapter a = trained(lora(4, 8, 0, "q_proj", "v_proj", "down_proj"), model, 2).attachTo(model);
        Qwen2Model merged = Qwen2Model.load(Golden.modelDir(), Device.cpu())) {
      NDArray adapted = model.forward(ids);
      a.mergeInto(merged.parameters());
      assertThat(Golden.maxAbsDiff(adapted, base)).isGreaterThan(1e-2f);
      // float rounding of W + s B A vs W x + s B (A x); peft's own merge differs from its unmerged output as much
      assertThat(Golden.maxAbsDiff(merged.forward(ids), adapted)).isLessThanOrEqualTo(1e-4f);
    }
  }

  @Test
  void qwen3ModelsGetLoraThroughTheSameHook() {
    for (String fixture : Golden.QWEN3_FIXTURES) {
      Golden.Fixture f = Golden.qwen3(fixture);
      try (Qwen2Model q3 = Qwen2Model.load(f.modelDir(), Device.cpu());
          Qwen2Model merged = Qwen2Model.load(f.modelDir(), Device.cpu());
          ai.djl.ndarray.NDManager qm = q3.manager().newSubManager()) {
        int[] ids = new Random(4).ints(2 * 12, 0, q3.config().vocabSize()).toArray();
        NDArray input = qm.create(ids, new Shape(2, 12));
        NDArray base = q3.forward(input);
        try (LoraAdapter a = trained(lora(4, 8, 0), q3, 8).attachTo(q3)) {
          NDArray adapted = q3.forward(input);
          a.mergeInto(merged.parameters());
          assertThat(Golden.maxAbsDiff(adapted, base)).as(fixture).isGreaterThan(1e-3f);
          assertThat(Golden.maxAbsDiff(merged.forward(input), adapted)).as(fixture).isLessThanOrEqualTo(1e-4f);
        }
      }
    }
  }

  @Test
  void savesPeftFilesAndLoadsThemBack() throws Exception {
    NDArray ids = Golden.tensor("forward_input_ids", m);
    Path out = dir.resolve("adapter");
    NDArray before;
    try (LoraAdapter a = trained(lora(4, 12, 0.05, "q_proj", "k_proj", "gate_proj"), model, 3).attachTo(model)) {
      before = model.forward(ids);
      a.save(out, "/models/base");
    }
    JsonNode c = JSON.readTree(out.resolve("adapter_config.json").toFile());
    assertThat(c.path("peft_type").asText()).isEqualTo("LORA");
    assertThat(c.path("task_type").asText()).isEqualTo("CAUSAL_LM");
    assertThat(c.path("r").asInt()).isEqualTo(4);
    assertThat(c.path("lora_alpha").isIntegralNumber()).isTrue();
    assertThat(c.path("lora_alpha").asInt()).isEqualTo(12);
    assertThat(c.path("lora_dropout").asDouble()).isEqualTo(0.05);
    assertThat(c.path("bias").asText()).isEqualTo("none");
    assertThat(c.path("base_model_name_or_path").asText()).isEqualTo("/models/base");
    assertThat(c.path("target_modules").toString()).isEqualTo("[\"q_proj\",\"k_proj\",\"gate_proj\"]");
    SafetensorsReader r = SafetensorsReader.open(out.resolve("adapter_model.safetensors"));
    assertThat(r.tensors()).hasSize(2 * 3 * 2)
        .containsKey("base_model.model.model.layers.1.mlp.gate_proj.lora_B.weight");
    assertThat(r.metadata()).containsEntry("format", "pt");
    try (LoraAdapter back = AdapterCheckpoints.loadAdapter(out, model).attachTo(model)) {
      assertThat(back.config().targetModules()).containsExactly("q_proj", "k_proj", "gate_proj");
      assertThat(back.scaling()).isEqualTo(3.0);
      assertThat(Golden.maxAbsDiff(model.forward(ids), before)).isZero();
    }
  }

  @Test
  void onlyTheAdapterTrainsAndTheOptimizerHoldsStateForItAlone() throws Exception {
    Map<String, float[]> baseBefore = new LinkedHashMap<>();
    model.parameters().forEach((k, v) -> baseBefore.put(k, v.toFloatArray()));
    Random rnd = new Random(5);
    List<SftExample> examples = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      examples.add(new SftExample(rnd.ints(6, 0, 384).toArray(), rnd.ints(5, 0, 384).toArray()));
    }
    try (LoraAdapter a = LoraAdapter.create(lora(4, 8, 0.1), model, 4).attachTo(model);
        PolicyTrainer t = PolicyTrainer.builder()
            .setParameters(a.parameters())
            .setScorer(new ModelResponseScorer(model))
            .optSchedule(new LrSchedule(1e-2, 0, LrSchedule.Kind.CONSTANT, 0, 0))
            .optBatchSizes(2, 2)
            .optSeed(9)
            .build()) {
      t.sftStep(examples);
      assertThat(t.updates()).isEqualTo(2);
      String b = "base_model.model.model.layers.0.mlp.up_proj.lora_B.weight";
      assertThat(a.parameters().get(b).abs().max().getFloat()).isGreaterThan(0f);
      assertThat(t.optimizer().expAvg(b)).isNotNull();
      for (String name : model.parameters().keySet()) {
        assertThat(t.optimizer().expAvg(name)).as(name).isNull();
        assertThat(model.parameters().get(name).toFloatArray()).as(name).isEqualTo(baseBefore.get(name));
      }
      Path state = dir.resolve("optimizer.safetensors");
      t.saveState(state);
      assertThat(SafetensorsReader.open(state).tensors().keySet())
          .hasSize(2 * a.parameters().size())
          .allMatch(k -> k.startsWith("exp_avg.base_model.model.") || k.startsWith("exp_avg_sq.base_model.model."));
    }
  }

  @Test
  void dropoutActsOnlyWhileGradientsAreRecordedAndFollowsTheEngineSeed() {
    NDArray ids = Golden.tensor("forward_input_ids", m);
    try (LoraAdapter a = trained(lora(4, 8, 0.5), model, 6).attachTo(model)) {
      NDArray eval = model.forward(ids);
      a.setDropout(0);
      NDArray noDropout = model.forward(ids);
      assertThat(Golden.maxAbsDiff(eval, noDropout)).isZero();
      a.setDropout(0.5);
      float[][] train = new float[3][];
      for (int i = 0; i < 3; i++) {
        Engine.getInstance().setRandomSeed(i < 2 ? 11 : 12);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          train[i] = model.forward(ids).toFloatArray();
        }
      }
      assertThat(train[0]).isEqualTo(train[1]).isNotEqualTo(train[2]);
      assertThat(train[0]).isNotEqualTo(noDropout.toFloatArray());
    }
  }

  @Test
  void continuingAnAdapterNeedsTheConfiguredShape() {
    Path out = dir.resolve("a");
    try (LoraAdapter a = LoraAdapter.create(lora(4, 8, 0), model, 1)) {
      a.save(out, Golden.modelDir().toString());
    }
    try (LoraAdapter same = AdapterCheckpoints.loadForTraining(out, model, lora(4, 8, 0.2))) {
      assertThat(same.config().dropout()).isEqualTo(0.2);
    }
    assertThatThrownBy(() -> AdapterCheckpoints.loadForTraining(out, model, lora(8, 8, 0)))
        .isInstanceOf(PolicyException.class).hasMessageContaining("it has rank 4 but policy.lora.rank is 8");
    assertThatThrownBy(() -> AdapterCheckpoints.loadForTraining(out, model, lora(4, 8, 0, "q_proj")))
        .hasMessageContaining("target-modules");
    assertThat(AdapterCheckpoints.base(out)).isEqualTo(Golden.modelDir());
    assertThat(AdapterCheckpoints.base(Golden.modelDir())).isEqualTo(Golden.modelDir());
  }

  @Test
  void badAdapterFilesFailWithTheFileAndTheReason() throws Exception {
    Path out = dir.resolve("bad");
    try (LoraAdapter a = LoraAdapter.create(lora(4, 8, 0, "q_proj"), model, 1)) {
      a.save(out, "/nowhere/base");
    }
    Path config = out.resolve("adapter_config.json");
    ObjectNode good = (ObjectNode) JSON.readTree(config.toFile());
    assertThatThrownBy(() -> AdapterCheckpoints.base(out)).isInstanceOf(PolicyException.class)
        .hasMessageContaining("base model '/nowhere/base'");

    write(config, good.deepCopy().put("use_dora", true));
    assertThatThrownBy(() -> AdapterCheckpoints.loadAdapter(out, model)).hasMessageContaining("'use_dora' = true");
    write(config, good.deepCopy().put("r", 2));
    assertThatThrownBy(() -> AdapterCheckpoints.loadAdapter(out, model))
        .hasMessageContaining("has shape (4, 64) but the base model and rank imply (2, 64)");
    ObjectNode more = good.deepCopy();
    more.putArray("target_modules").add("q_proj").add("v_proj");
    write(config, more);
    assertThatThrownBy(() -> AdapterCheckpoints.loadAdapter(out, model))
        .hasMessageContaining("tensor 'base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight' is missing");
    ObjectNode fewer = good.deepCopy();
    fewer.putArray("target_modules").add("k_proj");
    write(config, fewer);
    assertThatThrownBy(() -> AdapterCheckpoints.loadAdapter(out, model))
        .hasMessageContaining("'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight' is not a lora_A");
  }

  @Test
  void targetModulesMatchAsPeftMatchesThem() {
    Path f = Path.of("adapter_config.json");
    assertThat(PeftFormat.targets(f, JSON.valueToTree(List.of("v_proj", "self_attn.q_proj")), 2))
        .containsExactly("q_proj", "v_proj");
    assertThat(PeftFormat.targets(f, JSON.valueToTree("all-linear"), 2)).hasSize(7);
    assertThat(PeftFormat.targets(f, JSON.valueToTree(".*\\.(q|v)_proj"), 2)).containsExactly("q_proj", "v_proj");
    assertThatThrownBy(() -> PeftFormat.targets(f, JSON.valueToTree(".*layers\\.0\\..*q_proj"), 2))
        .hasMessageContaining("different projections per layer");
    assertThatThrownBy(() -> PeftFormat.targets(f, JSON.valueToTree(List.of("lm_head")), 2))
        .hasMessageContaining("selects none of");
  }

  private static void write(Path file, JsonNode json) throws Exception {
    Files.writeString(file, JSON.writeValueAsString(json));
  }
}
