package io.longctx.rewards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longctx.common.ConfigException;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.LongctxConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rewards section binds from YAML and --set, and rejects bad values naming the key. */
class RewardsConfigTest {
  private static LongctxConfig load(Map<String, String> sets) {
    return ConfigLoader.load(Path.of("conf/local.yaml"), sets);
  }

  @Test
  void localYamlMatchesTheDefaultsButScoresOneDigitRetrievalNumerically() {
    RewardsConfig local = load(Map.of()).rewards();
    Map<String, String> verifiers = new java.util.LinkedHashMap<>(RewardsConfig.defaults().sourceVerifiers());
    verifiers.put("synth_retrieval", "docmath");
    assertThat(local.sourceVerifiers()).isEqualTo(verifiers);
    assertThat(local.judge()).isEqualTo(RewardsConfig.defaults().judge());
    assertThat(local.overlong()).isEqualTo(RewardsConfig.defaults().overlong());
    assertThat(local.advantage()).isEqualTo(RewardsConfig.defaults().advantage());
  }

  @Test
  void overridesBindToTypedFields() {
    Map<String, String> sets = new LinkedHashMap<>();
    sets.put("rewards.judge.enabled", "true");
    sets.put("rewards.judge.concurrency", "3");
    sets.put("rewards.source-verifiers.gsm8k", "docmath");
    sets.put("rewards.overlong.max-length", "512");
    sets.put("rewards.overlong.cache-length", "128");
    sets.put("rewards.advantage.scale-by-std", "false");
    RewardsConfig r = load(sets).rewards();
    assertThat(r.judgeEnabled()).isTrue();
    assertThat(r.judge().concurrency()).isEqualTo(3);
    assertThat(new SourceRouter(r).route("gsm8k")).isEqualTo(VerifierKind.DOCMATH);
    assertThat(r.overlong().maxLength()).isEqualTo(512);
    assertThat(r.advantage().scaleByStd()).isFalse();
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> load(Map.of("rewards.judge.concurrency", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("rewards.judge.concurrency");
    assertThatThrownBy(() -> load(Map.of("rewards.source-verifiers.x", "regex")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("rewards.source-verifiers.x");
    assertThatThrownBy(() -> load(Map.of("rewards.judge.enabled", "true", "rewards.judge.endpoint", "ftp://x")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("rewards.judge.endpoint");
    assertThatThrownBy(() -> load(Map.of("rewards.judge.bogus", "1")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("bogus");
  }
}
