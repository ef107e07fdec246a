package io.longctx.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longctx.common.ConfigException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code train.rollout} and {@code eval.rollout}: defaults, overrides and errors naming the key. */
class RolloutBackendConfigTest {
  @Test
  void defaultsToTheBuiltinEngineAndBindsEveryKey() {
    LongctxConfig c = ConfigLoader.load(Path.of("conf/local.yaml"));
    assertThat(c.train().rollout().backend()).isEqualTo("builtin");
    assertThat(c.eval().rollout().http()).isFalse();
    LongctxConfig h = ConfigLoader.load(null, Map.of("train.rollout.backend", "http",
        "train.rollout.endpoint", "http://gpu:8000/v1", "train.rollout.weights", "lora",
        "train.rollout.concurrency", "16", "eval.rollout.backend", "http"));
    assertThat(h.train().rollout().http()).isTrue();
    assertThat(h.train().rollout().endpoint()).isEqualTo("http://gpu:8000/v1");
    assertThat(h.train().rollout().weights()).isEqualTo("lora");
    assertThat(h.train().rollout().concurrency()).isEqualTo(16);
    assertThat(h.eval().rollout().http()).isTrue();
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("train.rollout.backend", "vllm")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("train.rollout.backend");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("eval.rollout.weights", "delta")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("eval.rollout.weights");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("train.rollout.backend", "http",
        "train.rollout.endpoint", "gpu:8000"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("train.rollout.endpoint");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("train.rollout.concurrency", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("train.rollout.concurrency");
  }
}
