package io.longctx.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longctx.common.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path yaml(String text) throws Exception {
    Path p = dir.resolve("c.yaml");
    Files.writeString(p, text);
    return p;
  }

  @Test
  void shippedLocalConfigLoadsAndValidates() {
    LongctxConfig c = ConfigLoader.load(Path.of("conf/local.yaml"));
    assertThat(c.spark().master()).isEqualTo("local[2]");
    assertThat(c.curate().buckets()).containsExactly(1024, 2048, 4096);
    assertThat(c.eval().maxInputTokens()).isEqualTo(4096);
    assertThat(c.curriculum().phases().get(2).maxInputTokens()).isEqualTo(4096);
    assertThat(c.policy().tokenizer()).isEqualTo("synth-bpe");
    LongctxConfig quick = ConfigLoader.load(Path.of("conf/local-1k.yaml"));
    assertThat(quick.curate().buckets()).containsExactly(512, 768, 1024);
  }

  @Test
  void loraConfigIsTheOneKConfigWithLoraForRlAndItsKeysAreValidated() {
    LongctxConfig lora = ConfigLoader.load(Path.of("conf/lora.yaml"));
    assertThat(lora.policy().lora().enabled()).isTrue();
    assertThat(lora.policy().lora().appliesTo("train")).isTrue();
    assertThat(lora.policy().lora().appliesTo("sft")).isFalse();
    Map<String, String> sets = new LinkedHashMap<>();
    sets.put("policy.lora.enabled", "true");
    sets.put("policy.lora.rank", "32");
    sets.put("policy.lora.alpha", "64");
    sets.put("policy.lora.stages", "[train]");
    sets.put("optim.lr", String.valueOf(lora.optim().lr()));
    sets.put("train.run", "lora");
    sets.put("eval.run", "lora");
    com.fasterxml.jackson.databind.JsonNode expected =
        ConfigLoader.jsonMapper().valueToTree(ConfigLoader.load(Path.of("conf/local-1k.yaml"), sets));
    com.fasterxml.jackson.databind.JsonNode actual = ConfigLoader.jsonMapper().valueToTree(lora);
    assertThat(actual).as("conf/lora.yaml drifted from conf/local-1k.yaml").isEqualTo(expected);

    assertThat(ConfigLoader.load(null).policy().lora().enabled()).isFalse();
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("policy.lora.rank", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'policy.lora.rank': must be > 0, got 0");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("policy.lora.target-modules", "[q_proj, lm_head]")))
        .hasMessageContaining("'policy.lora.target-modules[1]': must be one of [q_proj, k_proj, v_proj, o_proj,"
            + " gate_proj, up_proj, down_proj], got 'lm_head'");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("policy.lora.stages", "[]")))
        .hasMessageContaining("'policy.lora.stages': must list at least one of [sft, train]");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("policy.lora.dropout", "1.0")))
        .hasMessageContaining("policy.lora.dropout");
  }

  @Test
  void aFilesTaskWeightsAreTheWholeMix() throws Exception {
    // a task the file does not list has weight 0 (not its default weight)
    LongctxConfig c = ConfigLoader.load(yaml("synth:\n  task-weights: {synth_retrieval: 0.75,"
        + " synth_retrieval_distractors: 0.25}\n"));
    assertThat(c.synth().taskWeights()).containsOnlyKeys("synth_retrieval", "synth_retrieval_distractors");
    assertThat(c.synth().weight(io.longctx.transforms.synth.SynthTask.DOCMATH)).isZero();
    // other synth keys still merge with the defaults
    assertThat(c.synth().valueDigits()).isEqualTo(io.longctx.transforms.synth.SynthConfig.defaults().valueDigits());
  }

  @Test
  void fileOverridesDefaultsAndSetOverridesFile() throws Exception {
    Path p = yaml("train:\n  group-size: 4\n  batch-size: 3\n");
    Map<String, String> sets = new LinkedHashMap<>();
    sets.put("train.group-size", "16");
    sets.put("curate.buckets", "[100, 200]");
    LongctxConfig c = ConfigLoader.load(p, sets);
    assertThat(c.train().groupSize()).isEqualTo(16);
    assertThat(c.train().batchSize()).isEqualTo(3);
    assertThat(c.train().temperature()).isEqualTo(TrainConfig.defaults().temperature());
    assertThat(c.curate().buckets()).containsExactly(100, 200);
  }

  @Test
  void judgeBackendKeysBindFromFileAndSet() throws Exception {
    LongctxConfig shipped = ConfigLoader.load(Path.of("conf/local.yaml"));
    assertThat(shipped.rewards().judge().backend()).isEqualTo("http");
    assertThat(shipped.rewards().judge().tokenizer()).isEmpty();
    Path p = yaml("rewards:\n  judge:\n    enabled: true\n    backend: local\n    model: /models/judge\n"
        + "    chat-template: r1\n    tokenizer: bpe:/models/judge/merges.txt\n");
    LongctxConfig c = ConfigLoader.load(p, Map.of("rewards.judge.device", "cpu"));
    assertThat(c.rewards().judge().runsLocally()).isTrue();
    assertThat(c.rewards().judge()).extracting("model", "chatTemplate", "tokenizer", "device")
        .containsExactly("/models/judge", "r1", "bpe:/models/judge/merges.txt", "cpu");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("rewards.judge.backend", "vllm")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("rewards.judge.backend");
  }

  @Test
  void unknownKeyInFileIsNamed() throws Exception {
    Path p = yaml("train:\n  group-sise: 4\n");
    assertThatThrownBy(() -> ConfigLoader.load(p))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("train.group-sise")
        .hasMessageContaining("group-size");
  }

  @Test
  void unknownSectionInSetIsNamed() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("trian.group-size", "4")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("trian");
  }

  @Test
  void outOfRangeValueNamesKeyAndRange() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("train.top-p", "1.5")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("train.top-p")
        .hasMessageContaining("1.5");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("curate.buckets", "[512, 256]")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("curate.buckets[1]");
  }

  @Test
  void wrongTypeNamesKey() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("train.group-size", "many")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("train.group-size");
  }

  @Test
  void stringKeysStayStrings() {
    LongctxConfig c = ConfigLoader.load(null, Map.of("train.run", "123"));
    assertThat(c.train().run()).isEqualTo("123");
    assertThat(List.of(c.curate().overlong())).containsExactly("truncate");
  }
}
