package io.longctx.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import ai.djl.ndarray.NDManager;
import io.longctx.jobs.TrainPolicyJob;
import io.longctx.jobs.WarmupSftJob;
import io.longctx.jobs.Warehouse;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.policy.lora.AdapterCheckpoints;
import io.longctx.policy.safetensors.SafetensorsReader;
import io.longctx.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SFT and phased RL with {@code policy.lora} over real Delta tables: every checkpoint is a PEFT adapter over the
 * run's initial weights, the optimizer holds state for the adapter alone, RL continues SFT's adapter across
 * invocations, and switching LoRA off continues from the adapter merged into its base. (That a resumed run equals
 * an uninterrupted one is {@link LoraResumeTest}'s and {@link LoraKillResumeTest}'s.)
 */
class LoraTrainPipelineTest extends SparkTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private static Map<String, String> settings(Path warehouse, String stages) {
    Map<String, String> s = TinyRuns.overrides(warehouse, "lora");
    s.put("policy.lora", "{enabled: true, rank: 4, alpha: 8, dropout: 0.1,"
        + " target-modules: [q_proj, v_proj, down_proj], stages: " + stages + "}");
    return s;
  }

  private static Path step(Path warehouse, int step) {
    return Warehouse.at(warehouse.toString()).dir("checkpoint-files").resolve("lora")
        .resolve(String.format("step-%06d", step));
  }

  private static String base(Path adapterDir) throws Exception {
    return JSON.readTree(adapterDir.resolve(AdapterCheckpoints.CONFIG_FILE).toFile())
        .path("base_model_name_or_path").asText();
  }

  @Test
  void loraSftThenLoraRlWritesAdaptersOverOneBaseAndLoraOffMergesThem() throws Exception {
    Map<String, String> s = settings(dir, "[sft, train]");
    s.put("train.steps-per-invocation", "2");
    LongctxConfig config = ConfigLoader.load(null, s);
    Warehouse wh = Warehouse.at(dir.toString());
    TinyRuns.writeSamples(spark(), wh.table(Warehouse.SAMPLES));
    WarmupSftJob.Result sft = new WarmupSftJob(spark(), config, wh).execute();
    TrainPolicyJob.Result first =
        new TrainPolicyJob(spark(), config, wh).optStartCheckpoint(Path.of(sft.checkpoint())).execute();
    TrainPolicyJob.Result second = new TrainPolicyJob(spark(), config, wh).execute();
    assertThat(second.firstStep()).isEqualTo(first.lastStep() + 1);

    Path sftDir = Path.of(sft.checkpoint());
    assertThat(AdapterCheckpoints.isAdapter(sftDir)).isTrue();
    assertThat(sftDir.resolve("model.safetensors")).doesNotExist();
    Path initial = sftDir.resolveSibling("epoch-000");
    assertThat(base(sftDir)).isEqualTo(initial.toAbsolutePath().toString());
    // SFT's updates moved the adapter away from its initial B = 0
    try (NDManager m = NDManager.newBaseManager()) {
      assertThat(SafetensorsReader.open(sftDir.resolve(AdapterCheckpoints.WEIGHTS_FILE))
          .read("base_model.model.model.layers.0.mlp.down_proj.lora_B.weight", m).abs().max().getFloat())
          .isGreaterThan(0f);
    }
    assertThat(optimizerTensors(sftDir)).allMatch(k -> k.matches("exp_avg(_sq)?\\.base_model\\.model\\.model\\.layers"
        + "\\.0\\.(self_attn\\.[qv]_proj|mlp\\.down_proj)\\.lora_[AB]\\.weight")).hasSize(2 * 2 * 3);
    for (int i = 1; i <= 4; i++) {
      Path ck = step(dir, i);
      assertThat(base(ck)).as("RL continues SFT's adapter over the same base").isEqualTo(base(sftDir));
      assertThat(Files.list(ck).map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactly("adapter_config.json", "adapter_model.safetensors", PolicyState.OPTIMIZER_FILE);
    }

    // the same run with LoRA switched off continues from the adapter merged into its base, every weight training
    s.put("policy.lora.enabled", "false");
    s.put("curriculum.phases", "[{name: short, max-input-tokens: 90, max-response-tokens: 6, steps: 2},"
        + " {name: long, max-input-tokens: 400, max-response-tokens: 6, steps: 3}]");
    new TrainPolicyJob(spark(), ConfigLoader.load(null, s), wh).execute();
    assertThat(step(dir, 5).resolve("model.safetensors")).exists();
    assertThat(AdapterCheckpoints.isAdapter(step(dir, 5))).isFalse();
    assertThat(optimizerTensors(step(dir, 5))).noneMatch(k -> k.contains(".lora_"));
  }

  private static Set<String> optimizerTensors(Path checkpoint) {
    return SafetensorsReader.open(checkpoint.resolve(PolicyState.OPTIMIZER_FILE)).tensors().keySet();
  }
}
