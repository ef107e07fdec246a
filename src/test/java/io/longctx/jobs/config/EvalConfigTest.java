package io.longctx.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longctx.common.ConfigException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvalConfigTest {

  @Test
  void defaultsFollowThePaperAndValidate() {
    EvalConfig e = LongctxConfig.defaults().eval();
    assertThat(e.temperature()).isEqualTo(0.7);
    assertThat(e.topP()).isEqualTo(0.95);
    assertThat(e.maxInputTokens()).isEqualTo(120_000);
    assertThat(e.benchmarks()).containsExactly(Map.entry("synth", List.of("synth/heldout.jsonl")));
    e.validate();
  }

  @Test
  void overridesBindAndBadValuesNameTheKey() {
    LongctxConfig c = ConfigLoader.load(null, Map.of(
        "eval.benchmarks", "{docmath: [a.json, b.jsonl], frames: [f.jsonl]}", "eval.samples-per-item", "8",
        "eval.greedy", "true"));
    assertThat(c.eval().benchmarks()).containsOnlyKeys("docmath", "frames");
    assertThat(c.eval().benchmarks().get("docmath")).containsExactly("a.json", "b.jsonl");
    assertThat(c.eval().samplesPerItem()).isEqualTo(8);
    assertThat(c.eval().greedy()).isTrue();

    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("eval.benchmarks", "{longbench: [x.jsonl]}")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("eval.benchmarks")
        .hasMessageContaining("2wikimqa").hasMessageContaining("longbench");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("eval.benchmarks", "{frames: []}")))
        .hasMessageContaining("eval.benchmarks.frames").hasMessageContaining("at least one file");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("eval.samples-per-item", "0")))
        .hasMessageContaining("eval.samples-per-item");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("eval.golds", "best")))
        .hasMessageContaining("eval.golds").hasMessageContaining("[first, all]");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("eval.top-p", "1.5")))
        .hasMessageContaining("eval.top-p");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("eval.max-input-tokens", "0")))
        .hasMessageContaining("eval.max-input-tokens");
  }

  @Test
  void framesPagesAndMissingPagesBindAndValidate() {
    EvalConfig d = LongctxConfig.defaults().eval();
    assertThat(d.frames().pages()).isEmpty();
    assertThat(d.frames().missingPages()).isEqualTo("fail");
    LongctxConfig c = ConfigLoader.load(null, Map.of("eval.frames.pages", "eval-data/frames/pages.parquet",
        "eval.frames.missing-pages", "partial", "eval.benchmarks", "{longbench-v2: [d.json], mrcr: [m.parquet]}"));
    assertThat(c.eval().frames().pages()).isEqualTo("eval-data/frames/pages.parquet");
    assertThat(c.eval().frames().missingPages()).isEqualTo("partial");
    assertThat(c.eval().benchmarks()).containsOnlyKeys("longbench-v2", "mrcr");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("eval.frames.missing-pages", "skip")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("eval.frames.missing-pages")
        .hasMessageContaining("[fail, partial]");
  }

  @Test
  void aFilesBenchmarksReplaceTheDefaultSynthEntry(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path f = dir.resolve("c.yaml");
    java.nio.file.Files.writeString(f, "eval:\n  benchmarks:\n    mrcr: [m.parquet]\n"
        + "rewards:\n  source-verifiers:\n    gsm8k: docmath\n");
    LongctxConfig c = ConfigLoader.load(f);
    assertThat(c.eval().benchmarks()).containsOnlyKeys("mrcr");
    // other mappings still merge with their defaults
    assertThat(c.rewards().sourceVerifiers()).containsKeys("gsm8k", "hotpotqa", "mrcr");
  }

  @Test
  void commandLineChoicesOverrideOnlyWhatIsGiven() {
    EvalConfig e = EvalConfig.defaults().with(null, "/ckpt", null, 4, null, null);
    assertThat(e.checkpoint()).isEqualTo("/ckpt");
    assertThat(e.samplesPerItem()).isEqualTo(4);
    assertThat(e.run()).isEqualTo("local");
    assertThat(e.greedy()).isFalse();
  }
}
