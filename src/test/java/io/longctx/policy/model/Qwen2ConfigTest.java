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

  /** Qwen3-0.6B's config.json as published (transformers 4.51 layout). */
  static ObjectNode qwen3() throws Exception {
    return (ObjectNode) JSON.readTree("""
        {"architectures": ["Qwen3ForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
         "bos_token_id": 151643, "eos_token_id": 151645, "head_dim": 128, "hidden_act": "silu",
         "hidden_size": 1024, "initializer_range": 0.02, "intermediate_size": 3072, "max_position_embeddings": 40960,
         "max_window_layers": 28, "model_type": "qwen3", "num_attention_heads": 16, "num_hidden_layers": 28,
         "num_key_value_heads": 8, "rms_norm_eps": 1e-06, "rope_scaling": null, "rope_theta": 1000000,
         "sliding_window": null, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
         "transformers_version": "4.51.0", "use_cache": true, "use_sliding_window": false, "vocab_size": 151936}
        """);
  }

  @Test
  void qwen3PublishedConfig() throws Exception {
    Qwen2Config c = Qwen2Config.parse(qwen3(), Path.of("config.json"));
    assertThat(c.family()).isEqualTo(ModelFamily.QWEN3);
    assertThat(c.headDim()).isEqualTo(128).isNotEqualTo(1024 / 16);
    assertThat(c.attentionBias()).isFalse();
    assertThat(c.qkvBias()).isFalse();
    assertThat(c.outputBias()).isFalse();
    assertThat(c.tieWordEmbeddings()).isTrue();
    assertThat(c.ropeScaling()).isNull();
    assertThat(c.eosTokenIds()).containsExactly(151645);
    assertThat(ParameterNames.all(c)).hasSize(1 + 28 * 11 + 1).contains("model.layers.27.self_attn.k_norm.weight")
        .noneMatch(n -> n.endsWith(".bias"));
    assertThat(ParameterNames.shape(c, "model.layers.0.self_attn.q_proj.weight")).containsExactly(2048, 1024);
    assertThat(ParameterNames.shape(c, "model.layers.0.self_attn.o_proj.weight")).containsExactly(1024, 2048);
    assertThat(ParameterNames.shape(c, "model.layers.0.self_attn.q_norm.weight")).containsExactly(128);

    c.write(dir.resolve("config.json"));
    assertThat(Qwen2Config.read(dir)).isEqualTo(c);
    ObjectNode written = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
    assertThat(written.get("architectures").get(0).asText()).isEqualTo("Qwen3ForCausalLM");
    assertThat(written.get("model_type").asText()).isEqualTo("qwen3");
    assertThat(written.get("attention_bias").asBoolean(true)).isFalse();
  }

  @Test
  void qwen3DefaultsAndAttentionBias() throws Exception {
    ObjectNode n = qwen3();
    n.remove("head_dim"); // transformers' Qwen3Config default is 128, not hidden / heads
    n.remove("architectures");
    n.put("hidden_size", 512);
    n.put("attention_bias", true);
    Qwen2Config c = Qwen2Config.parse(n, Path.of("config.json"));
    assertThat(c.family()).isEqualTo(ModelFamily.QWEN3);
    assertThat(c.headDim()).isEqualTo(128);
    assertThat(c.qkvBias()).isTrue();
    assertThat(c.outputBias()).isTrue();
    assertThat(ParameterNames.all(c)).contains("model.layers.0.self_attn.o_proj.bias", "model.layers.0.self_attn.v_proj.bias");
    assertThat(ParameterNames.shape(c, "model.layers.0.self_attn.o_proj.bias")).containsExactly(512);
    // Qwen2 keeps its q/k/v biases and has no o_proj bias or q/k norms
    Qwen2Config q2 = Qwen2Config.parse(published(), Path.of("config.json"));
    assertThat(q2.family()).isEqualTo(ModelFamily.QWEN2);
    assertThat(ParameterNames.all(q2)).hasSize(1 + 48 * 12 + 2).contains("model.layers.0.self_attn.q_proj.bias")
        .noneMatch(x -> x.contains("norm.weight") && x.contains("self_attn"))
        .noneMatch(x -> x.endsWith("o_proj.bias"));
  }

  @Test
  void mixtureOfExpertsAndOtherArchitecturesAreRejectedByName() throws Exception {
    ObjectNode moe = qwen3();
    moe.putArray("architectures").add("Qwen3MoeForCausalLM");
    moe.put("model_type", "qwen3_moe");
    moe.put("num_experts", 128);
    assertThatThrownBy(() -> Qwen2Config.parse(moe, Path.of("/m/config.json")))
        .isInstanceOf(PolicyException.class).hasMessageContaining("/m/config.json")
        .hasMessageContaining("Qwen3MoeForCausalLM is a mixture-of-experts model (128 experts)")
        .hasMessageContaining("only the dense Qwen2ForCausalLM and Qwen3ForCausalLM");
    ObjectNode q2moe = published();
    q2moe.putArray("architectures").add("Qwen2MoeForCausalLM");
    q2moe.put("model_type", "qwen2_moe");
    assertThatThrownBy(() -> Qwen2Config.parse(q2moe, Path.of("/m/config.json")))
        .isInstanceOf(PolicyException.class).hasMessageContaining("Qwen2MoeForCausalLM is a mixture-of-experts");
    ObjectNode experts = qwen3();
    experts.put("num_experts", 8);
    assertThatThrownBy(() -> Qwen2Config.parse(experts, Path.of("/m/config.json")))
        .isInstanceOf(PolicyException.class).hasMessageContaining("mixture-of-experts model (8 experts)");
    ObjectNode llama = qwen3();
    llama.putArray("architectures").add("LlamaForCausalLM");
    llama.put("model_type", "llama");
    assertThatThrownBy(() -> Qwen2Config.parse(llama, Path.of("/m/config.json")))
        .isInstanceOf(PolicyException.class).hasMessageContaining("LlamaForCausalLM")
        .hasMessageContaining("only Qwen2ForCausalLM (model_type qwen2) and Qwen3ForCausalLM (model_type qwen3)");
    ObjectNode mixed = qwen3();
    mixed.put("model_type", "qwen2");
    assertThatThrownBy(() -> Qwen2Config.parse(mixed, Path.of("/m/config.json")))
        .isInstanceOf(PolicyException.class).hasMessageContaining("architectures=[Qwen3ForCausalLM], model_type=qwen2");
    ObjectNode sliding = qwen3();
    sliding.putArray("layer_types").add("full_attention").add("sliding_attention");
    assertThatThrownBy(() -> Qwen2Config.parse(sliding, Path.of("/m/config.json")))
        .isInstanceOf(PolicyException.class).hasMessageContaining("layer_types").hasMessageContaining("sliding_attention");
    ObjectNode window = qwen3();
    window.put("use_sliding_window", true);
    assertThatThrownBy(() -> Qwen2Config.parse(window, Path.of("/m/config.json")))
        .isInstanceOf(PolicyException.class).hasMessageContaining("use_sliding_window");
  }
}
