package io.longctx.policy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.policy.PolicyException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.json parsing: published (legacy) and transformers 5 layouts, YaRN, errors, write-back. */
class Qwen2ConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  /** The shape of R1-Distill-Qwen-14B's config.json (top-level rope_theta), with QwenLong-L1's YaRN block. */
  static ObjectNode published() throws Exception {
    return (ObjectNode) JSON.readTree("""
        {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_act": "silu",
         "hidden_size": 5120, "intermediate_size": 13824, "num_attention_heads": 40, "num_hidden_layers": 48,
         "num_key_value_heads": 8, "max_position_embeddings": 131072, "rms_norm_eps": 1e-05,
         "rope_theta": 1000000.0, "tie_word_embeddings": false, "vocab_size": 152064, "eos_token_id": 151643,
         "bos_token_id": 151643, "use_sliding_window": false, "sliding_window": 131072,
         "rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768}}
        """);
  }

  @Test
  void publishedLayoutWithYarn() throws Exception {
    Qwen2Config c = Qwen2Config.parse(published(), Path.of("config.json"));
    assertThat(c.ropeTheta()).isEqualTo(1e6);
    assertThat(c.headDim()).isEqualTo(128);
    assertThat(c.groupSize()).isEqualTo(5);
    assertThat(c.tieWordEmbeddings()).isFalse();
    assertThat(c.eosTokenIds()).containsExactly(151643);
    RopeScaling y = c.ropeScaling();
    assertThat(y.factor()).isEqualTo(4.0);
    assertThat(y.originalMaxPositionEmbeddings()).isEqualTo(32768);
    // transformers: attention_factor = 0.1 * ln(4) + 1
    assertThat(y.effectiveAttentionFactor()).isCloseTo(0.1 * Math.log(4) + 1, org.assertj.core.data.Offset.offset(1e-12));
    float[] inv = y.inverseFrequencies(128, 1e6);
    // fastest-rotating dimensions are extrapolated (unchanged), slowest interpolated (divided by the factor)
    assertThat(inv[0]).isEqualTo(1.0f);
    double plainLast = 1.0 / Math.pow(1e6, 126.0 / 128);
    assertThat((double) inv[63]).isCloseTo(plainLast / 4, org.assertj.core.data.Offset.offset(plainLast * 1e-6));
    // correction range for beta 32 / 1 at 32768 original positions: low = floor(20.1...) , high = ceil(45.6...)
    double low = Math.floor(128 * Math.log(32768 / (32 * 2 * Math.PI)) / (2 * Math.log(1e6)));
    assertThat((double) inv[(int) low]).isCloseTo(1.0 / Math.pow(1e6, 2 * low / 128), org.assertj.core.data.Offset.offset(1e-7));
    assertThat((double) inv[(int) low + 2]).isLessThan(0.999 / Math.pow(1e6, 2 * (low + 2) / 128));
  }

  @Test
  void transformers5RopeParametersLayout() throws Exception {
    ObjectNode n = published();
    n.remove("rope_theta");
    n.remove("rope_scaling");
    n.putObject("rope_parameters").put("rope_theta", 5e5).put("rope_type", "yarn").put("factor", 2.0)
        .put("original_max_position_embeddings", 4096).put("attention_factor", 1.25);
    n.put("head_dim", 96);
    Qwen2Config c = Qwen2Config.parse(n, Path.of("config.json"));
    assertThat(c.ropeTheta()).isEqualTo(5e5);
    assertThat(c.headDim()).isEqualTo(96);
    assertThat(c.ropeScaling().factor()).isEqualTo(2.0);
    assertThat(c.ropeScaling().effectiveAttentionFactor()).isEqualTo(1.25);
  }

  @Test
  void writeBackReadsTheSame() throws Exception {
    Qwen2Config c = Qwen2Config.parse(published(), Path.of("config.json"));
    c.write(dir.resolve("config.json"));
    assertThat(Qwen2Config.read(dir)).isEqualTo(c);
    ObjectNode written = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
    assertThat(written.get("rope_theta").asDouble()).isEqualTo(1e6);
    assertThat(written.get("model_type").asText()).isEqualTo("qwen2");
    assertThat(written.get("rope_scaling").get("type").asText()).isEqualTo("yarn");
  }

  @Test
  void unsupportedSettingsAreNamed() throws Exception {
    ObjectNode n = published();
    n.putObject("rope_scaling").put("rope_type", "dynamic").put("factor", 2.0);
    assertThatThrownBy(() -> Qwen2Config.parse(n, Path.of("/m/config.json")))
        .isInstanceOf(PolicyException.class).hasMessageContaining("rope_scaling.rope_type").hasMessageContaining("dynamic");
    ObjectNode s = published();
    s.put("use_sliding_window", true);
    assertThatThrownBy(() -> Qwen2Config.parse(s, Path.of("/m/config.json")))
        .isInstanceOf(PolicyException.class).hasMessageContaining("use_sliding_window");
    ObjectNode k = published();
    k.put("num_key_value_heads", 7);
    assertThatThrownBy(() -> Qwen2Config.parse(k, Path.of("/m/config.json")))
        .isInstanceOf(PolicyException.class).hasMessageContaining("num_key_value_heads");
  }
}
