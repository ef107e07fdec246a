package io.longctx.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SFT and phased RL with {@code policy.lora}: checkpoints are PEFT adapters over the run's base, the optimizer holds
 * state for the adapter alone, and a run resumed from its checkpoints (a nightly step budget) writes exactly the
 * bytes of an uninterrupted one, adapter dropout included.
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

  /** SFT, then RL to the end of the curriculum in invocations of {@code budget} steps (0 = one invocation). */
  private WarmupSftJob.Result run(Path warehouse, String stages, int budget) {
    Map<String, String> s = settings(warehouse, stages);
    s.put("train.steps-per-invocation", String.valueOf(budget));
    LongctxConfig config = ConfigLoader.load(null, s);
    Warehouse wh = Warehouse.at(warehouse.toString());
    TinyRuns.writeSamples(spark(), wh.table(Warehouse.SAMPLES));
    WarmupSftJob.Result sft = new WarmupSftJob(spark(), config, wh).execute();
    TrainPolicyJob.Result r = new TrainPolicyJob(spark(), config, wh).optStartCheckpoint(Path.of(sft.checkpoint()))
        .execute();
    while (!r.finished()) {
      r = new TrainPolicyJob(spark(), config, wh).execute();
    }
    return sft;
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
  void loraSftThenLoraRlTrainsOnlyTheAdapterAndResumesExactly() throws Exception {
    Path a = dir.resolve("uninterrupted");
    Path b = dir.resolve("resumed");
    WarmupSftJob.Result sft = run(a, "[sft, train]", 0);
    run(b, "[sft, train]", 1);

    Path sftDir = Path.of(sft.checkpoint());
    assertThat(AdapterCheckpoints.isAdapter(sftDir)).isTrue();
    assertThat(sftDir.resolve("model.safetensors")).doesNotExist();
    Path initial = sftDir.resolveSibling("epoch-000");
    assertThat(base(sftDir)).isEqualTo(initial.toAbsolutePath().toString());
    assertThat(optimizerTensors(sftDir)).allMatch(k -> k.matches("exp_avg(_sq)?\\.base_model\\.model\\.model\\.layers"
        + "\\.0\\.(self_attn\\.[qv]_proj|mlp\\.down_proj)\\.lora_[AB]\\.weight")).hasSize(2 * 2 * 3);
    for (int s = 1; s <= 4; s++) {
      Path ck = step(a, s);
      assertThat(base(ck)).as("RL continues SFT's adapter over the same base").isEqualTo(base(sftDir));
      assertThat(Files.list(ck).map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactly("adapter_config.json", "adapter_model.safetensors", PolicyState.OPTIMIZER_FILE);
      for (String f : List.of(AdapterCheckpoints.WEIGHTS_FILE, PolicyState.OPTIMIZER_FILE)) {
        assertThat(Files.readAllBytes(step(b, s).resolve(f))).as("step %d %s", s, f)
            .isEqualTo(Files.readAllBytes(ck.resolve(f)));
      }
    }
    assertThat(Files.readAllBytes(step(a, 4).resolve(AdapterCheckpoints.WEIGHTS_FILE)))
        .isNotEqualTo(Files.readAllBytes(sftDir.resolve(AdapterCheckpoints.WEIGHTS_FILE)));
    assertThat(spark().read().format("delta").load(Warehouse.at(b.toString()).table(Warehouse.METRICS))
        .where("run = 'lora' AND updates > 0").count()).isPositive();
  }

  @Test
  void fullSftThenLoraRlPutsTheAdapterOverTheSftWeights() throws Exception {
    Path w = dir.resolve("full-sft");
    Map<String, String> s = settings(w, "[train]");
    LongctxConfig config = ConfigLoader.load(null, s);
    Warehouse wh = Warehouse.at(w.toString());
    TinyRuns.writeSamples(spark(), wh.table(Warehouse.SAMPLES));
    WarmupSftJob.Result sft = new WarmupSftJob(spark(), config, wh).execute();
    assertThat(Path.of(sft.checkpoint()).resolve("model.safetensors")).exists();
    assertThat(AdapterCheckpoints.isAdapter(Path.of(sft.checkpoint()))).isFalse();
    new TrainPolicyJob(spark(), config, wh).optStartCheckpoint(Path.of(sft.checkpoint())).optUntilStep(2).execute();
    assertThat(base(step(w, 1))).isEqualTo(Path.of(sft.checkpoint()).toAbsolutePath().toString());
    assertThat(base(step(w, 2))).isEqualTo(base(step(w, 1)));
    assertThat(optimizerTensors(step(w, 2))).allMatch(k -> k.contains(".lora_"));

    // the same run with LoRA switched off continues from the adapter merged into its base, every weight training
    s.put("policy.lora", "{enabled: false}");
    s.put("train.steps-per-invocation", "1");
    new TrainPolicyJob(spark(), ConfigLoader.load(null, s), wh).execute();
    assertThat(step(w, 3).resolve("model.safetensors")).exists();
    assertThat(optimizerTensors(step(w, 3))).contains("exp_avg.model.embed_tokens.weight");
  }

  private static Set<String> optimizerTensors(Path checkpoint) {
    return SafetensorsReader.open(checkpoint.resolve(PolicyState.OPTIMIZER_FILE)).tensors().keySet();
  }
}
