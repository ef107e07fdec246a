package io.longctx.policy.model;

import java.util.ArrayList;
import java.util.List;

/** Hugging Face tensor names of Qwen2ForCausalLM, in checkpoint order. */
public final class ParameterNames {
  public static final String EMBED = "model.embed_tokens.weight";
  public static final String NORM = "model.norm.weight";
  public static final String LM_HEAD = "lm_head.weight";

  private ParameterNames() {}

  /** Prefix of layer {@code i}: {@code model.layers.i.}. */
  public static String layer(int i) {
    return "model.layers." + i + ".";
  }

  /** Per-layer suffixes, in order. */
  static final List<String> LAYER_SUFFIXES = List.of(
      "input_layernorm.weight",
      "self_attn.q_proj.weight",
      "self_attn.q_proj.bias",
      "self_attn.k_proj.weight",
      "self_attn.k_proj.bias",
      "self_attn.v_proj.weight",
      "self_attn.v_proj.bias",
      "self_attn.o_proj.weight",
      "post_attention_layernorm.weight",
      "mlp.gate_proj.weight",
      "mlp.up_proj.weight",
      "mlp.down_proj.weight");

  /** All parameter names of a model with this config, in order. */
  public static List<String> all(Qwen2Config c) {
    List<String> names = new ArrayList<>();
    names.add(EMBED);
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      for (String s : LAYER_SUFFIXES) {
        names.add(layer(i) + s);
      }
    }
    names.add(NORM);
    if (!c.tieWordEmbeddings()) {
      names.add(LM_HEAD);
    }
    return names;
  }

  /** The shape {@code name} must have under config {@code c}. */
  public static long[] shape(Qwen2Config c, String name) {
    long h = c.hiddenSize();
    long q = (long) c.numAttentionHeads() * c.headDim();
    long kv = (long) c.numKeyValueHeads() * c.headDim();
    long ff = c.intermediateSize();
    if (name.equals(EMBED) || name.equals(LM_HEAD)) {
      return new long[] {c.vocabSize(), h};
    }
    if (name.equals(NORM)) {
      return new long[] {h};
    }
    String suffix = name.substring(name.indexOf('.', "model.layers.".length()) + 1);
    return switch (suffix) {
      case "input_layernorm.weight", "post_attention_layernorm.weight" -> new long[] {h};
      case "self_attn.q_proj.weight" -> new long[] {q, h};
      case "self_attn.q_proj.bias" -> new long[] {q};
      case "self_attn.k_proj.weight", "self_attn.v_proj.weight" -> new long[] {kv, h};
      case "self_attn.k_proj.bias", "self_attn.v_proj.bias" -> new long[] {kv};
      case "self_attn.o_proj.weight" -> new long[] {h, q};
      case "mlp.gate_proj.weight", "mlp.up_proj.weight" -> new long[] {ff, h};
      case "mlp.down_proj.weight" -> new long[] {h, ff};
      default -> throw new IllegalArgumentException("not a Qwen2 parameter: " + name);
    };
  }
}
