package io.longctx.policy.model;

import java.util.ArrayList;
import java.util.List;

/** Hugging Face tensor names of Qwen2ForCausalLM and Qwen3ForCausalLM, in checkpoint order. */
public final class ParameterNames {
  public static final String EMBED = "model.embed_tokens.weight";
  public static final String NORM = "model.norm.weight";
  public static final String LM_HEAD = "lm_head.weight";

  private ParameterNames() {}

  /** Prefix of layer {@code i}: {@code model.layers.i.}. */
  public static String layer(int i) {
    return "model.layers." + i + ".";
  }

  /** Per-layer suffixes, in order: the projections' biases and the q/k norms only where the config has them. */
  static List<String> layerSuffixes(Qwen2Config c) {
    List<String> s = new ArrayList<>();
    s.add("input_layernorm.weight");
    for (String p : List.of("q", "k", "v")) {
      s.add("self_attn." + p + "_proj.weight");
      if (c.qkvBias()) {
        s.add("self_attn." + p + "_proj.bias");
      }
    }
    s.add("self_attn.o_proj.weight");
    if (c.outputBias()) {
      s.add("self_attn.o_proj.bias");
    }
    if (c.family().qkNorm()) {
      s.add("self_attn.q_norm.weight");
      s.add("self_attn.k_norm.weight");
    }
    s.addAll(List.of("post_attention_layernorm.weight", "mlp.gate_proj.weight", "mlp.up_proj.weight",
        "mlp.down_proj.weight"));
    return s;
  }

  /** All parameter names of a model with this config, in order. */
  public static List<String> all(Qwen2Config c) {
    List<String> names = new ArrayList<>();
    names.add(EMBED);
    List<String> suffixes = layerSuffixes(c);
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      for (String s : suffixes) {
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
      case "self_attn.o_proj.bias" -> new long[] {h};
      case "self_attn.q_norm.weight", "self_attn.k_norm.weight" -> new long[] {c.headDim()};
      case "mlp.gate_proj.weight", "mlp.up_proj.weight" -> new long[] {ff, h};
      case "mlp.down_proj.weight" -> new long[] {h, ff};
      default -> throw new IllegalArgumentException("not a Qwen2/Qwen3 parameter: " + name);
    };
  }
}
