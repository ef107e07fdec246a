package io.longctx.policy.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.policy.PolicyConfig;
import io.longctx.policy.PolicyErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a Qwen2ForCausalLM model, read from and written to a Hugging Face {@code config.json}. Accepts
 * both the top-level {@code rope_theta} of published checkpoints and transformers 5's
 * {@code rope_parameters.rope_theta}; YaRN scaling from {@code rope_scaling} or {@code rope_parameters}.
 *
 * @param headDim per-head dimension ({@code head_dim}, else hidden_size / num_attention_heads)
 * @param ropeScaling YaRN scaling, or {@code null} for plain RoPE
 * @param eosTokenIds end token ids from {@code eos_token_id} (may be empty)
 */
public record Qwen2Config(
    int hiddenSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int headDim,
    int intermediateSize,
    int vocabSize,
    double rmsNormEps,
    boolean tieWordEmbeddings,
    int maxPositionEmbeddings,
    double ropeTheta,
    RopeScaling ropeScaling,
    List<Integer> eosTokenIds) {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public Qwen2Config {
    eosTokenIds = List.copyOf(eosTokenIds);
  }

  /** The built-in small model: tied embeddings, RMSNorm eps 1e-6, the shape from the config section. */
  public static Qwen2Config embedded(PolicyConfig.EmbeddedModel e, int vocabSize) {
    return new Qwen2Config(
        e.hiddenSize(), e.layers(), e.attentionHeads(), e.kvHeads(), e.hiddenSize() / e.attentionHeads(),
        e.intermediateSize(), vocabSize, 1e-6, true, 32768, e.ropeTheta(), null, List.of());
  }

  /** Number of query heads sharing one key/value head. */
  public int groupSize() {
    return numAttentionHeads / numKeyValueHeads;
  }

  /** Reads {@code config.json} (the file, or a model directory holding it). */
  public static Qwen2Config read(Path fileOrDir) {
    Path file = Files.isDirectory(fileOrDir) ? fileOrDir.resolve("config.json") : fileOrDir;
    if (!Files.isRegularFile(file)) {
      throw PolicyErrors.notAModelDirectory(fileOrDir);
    }
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw PolicyErrors.unreadable(file, e);
    }
    return parse(root, file);
  }

  /** Parses a config.json tree; {@code source} is only used in error messages. */
  public static Qwen2Config parse(JsonNode root, Path source) {
    checkArchitecture(root, source);
    if (root.path("use_sliding_window").asBoolean(false)) {
      throw PolicyErrors.badConfigValue(source, "use_sliding_window", "is true; sliding-window attention is not supported");
    }
    String act = root.path("hidden_act").asText("silu");
    if (!act.equals("silu")) {
      throw PolicyErrors.badConfigValue(source, "hidden_act", "is '" + act + "'; only silu is supported");
    }
    int hidden = requiredInt(root, "hidden_size", source);
    int heads = requiredInt(root, "num_attention_heads", source);
    int kvHeads = root.hasNonNull("num_key_value_heads") ? positiveInt(root, "num_key_value_heads", source) : heads;
    if (heads % kvHeads != 0) {
      throw PolicyErrors.badConfigValue(source, "num_key_value_heads", "(" + kvHeads + ") must divide num_attention_heads (" + heads + ")");
    }
    int headDim = root.hasNonNull("head_dim") ? positiveInt(root, "head_dim", source) : hidden / heads;
    if (headDim % 2 != 0) {
      throw PolicyErrors.badConfigValue(source, "head_dim", "(" + headDim + ") must be even for rotary embeddings");
    }
    JsonNode ropeParams = root.path("rope_parameters");
    double theta = root.hasNonNull("rope_theta")
        ? root.get("rope_theta").asDouble()
        : ropeParams.hasNonNull("rope_theta") ? ropeParams.get("rope_theta").asDouble() : 10000.0;
    int maxPos = root.hasNonNull("max_position_embeddings") ? positiveInt(root, "max_position_embeddings", source) : 32768;
    return new Qwen2Config(
        hidden,
        requiredInt(root, "num_hidden_layers", source),
        heads,
        kvHeads,
        headDim,
        requiredInt(root, "intermediate_size", source),
        requiredInt(root, "vocab_size", source),
        root.path("rms_norm_eps").asDouble(1e-6),
        root.path("tie_word_embeddings").asBoolean(false),
        maxPos,
        theta,
        parseScaling(root, source, maxPos),
        intList(root.path("eos_token_id")));
  }

  private static void checkArchitecture(JsonNode root, Path source) {
    String modelType = root.path("model_type").asText(null);
    List<String> archs = new ArrayList<>();
    root.path("architectures").forEach(a -> archs.add(a.asText()));
    boolean archOk = archs.isEmpty() || archs.contains("Qwen2ForCausalLM");
    boolean typeOk = modelType == null || modelType.equals("qwen2");
    if (!archOk || !typeOk || (modelType == null && archs.isEmpty())) {
      throw PolicyErrors.unsupportedArchitecture(source, "architectures=" + archs + ", model_type=" + modelType);
    }
  }

  private static RopeScaling parseScaling(JsonNode root, Path source, int maxPos) {
    String key = root.hasNonNull("rope_scaling") ? "rope_scaling" : "rope_parameters";
    JsonNode s = root.path(key);
    if (!s.isObject()) {
      return null;
    }
    String type = s.hasNonNull("rope_type") ? s.get("rope_type").asText() : s.path("type").asText("default");
    if (type.equals("default")) {
      return null;
    }
    if (!type.equals("yarn")) {
      throw PolicyErrors.badConfigValue(source, key + ".rope_type", "is '" + type + "'; supported: default, yarn");
    }
    int original = s.hasNonNull("original_max_position_embeddings")
        ? s.get("original_max_position_embeddings").asInt() : maxPos;
    double factor;
    if (s.hasNonNull("factor")) {
      factor = s.get("factor").asDouble();
    } else if (s.hasNonNull("original_max_position_embeddings")) {
      factor = (double) maxPos / original;
    } else {
      throw PolicyErrors.missingConfigKey(source, key + ".factor");
    }
    if (!(factor > 0)) {
      throw PolicyErrors.badConfigValue(source, key + ".factor", "must be > 0, got " + factor);
    }
    return new RopeScaling(
        factor,
        original,
        s.hasNonNull("beta_fast") ? s.get("beta_fast").asDouble() : 32,
        s.hasNonNull("beta_slow") ? s.get("beta_slow").asDouble() : 1,
        s.hasNonNull("attention_factor") ? s.get("attention_factor").asDouble() : null,
        s.hasNonNull("mscale") ? s.get("mscale").asDouble() : null,
        s.hasNonNull("mscale_all_dim") ? s.get("mscale_all_dim").asDouble() : null,
        s.path("truncate").asBoolean(true));
  }

  private static int requiredInt(JsonNode root, String key, Path source) {
    if (!root.hasNonNull(key)) {
      throw PolicyErrors.missingConfigKey(source, key);
    }
    return positiveInt(root, key, source);
  }

  private static int positiveInt(JsonNode root, String key, Path source) {
    JsonNode n = root.get(key);
    if (!n.canConvertToInt() || n.asInt() <= 0) {
      throw PolicyErrors.badConfigValue(source, key, "must be a positive integer, got " + n);
    }
    return n.asInt();
  }

  private static List<Integer> intList(JsonNode n) {
    List<Integer> out = new ArrayList<>();
    if (n.isArray()) {
      n.forEach(x -> out.add(x.asInt()));
    } else if (n.canConvertToInt()) {
      out.add(n.asInt());
    }
    return out;
  }

  /** The config as a Hugging Face {@code config.json} tree (legacy top-level rope_theta, read by every version). */
  public ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.putArray("architectures").add("Qwen2ForCausalLM");
    o.put("model_type", "qwen2");
    o.put("hidden_act", "silu");
    o.put("hidden_size", hiddenSize);
    o.put("num_hidden_layers", numHiddenLayers);
    o.put("num_attention_heads", numAttentionHeads);
    o.put("num_key_value_heads", numKeyValueHeads);
    o.put("head_dim", headDim);
    o.put("intermediate_size", intermediateSize);
    o.put("vocab_size", vocabSize);
    o.put("rms_norm_eps", rmsNormEps);
    o.put("tie_word_embeddings", tieWordEmbeddings);
    o.put("max_position_embeddings", maxPositionEmbeddings);
    o.put("rope_theta", ropeTheta);
    if (ropeScaling != null) {
      ObjectNode s = o.putObject("rope_scaling");
      s.put("type", "yarn");
      s.put("rope_type", "yarn");
      s.put("factor", ropeScaling.factor());
      s.put("original_max_position_embeddings", ropeScaling.originalMaxPositionEmbeddings());
      s.put("beta_fast", ropeScaling.betaFast());
      s.put("beta_slow", ropeScaling.betaSlow());
      if (ropeScaling.attentionFactor() != null) {
        s.put("attention_factor", ropeScaling.attentionFactor());
      }
      if (ropeScaling.mscale() != null) {
        s.put("mscale", ropeScaling.mscale());
      }
      if (ropeScaling.mscaleAllDim() != null) {
        s.put("mscale_all_dim", ropeScaling.mscaleAllDim());
      }
      if (!ropeScaling.truncate()) {
        s.put("truncate", false);
      }
    }
    if (eosTokenIds.size() == 1) {
      o.put("eos_token_id", eosTokenIds.get(0));
    } else if (!eosTokenIds.isEmpty()) {
      ArrayNode a = o.putArray("eos_token_id");
      eosTokenIds.forEach(a::add);
    }
    o.put("attention_dropout", 0.0);
    o.put("use_sliding_window", false);
    o.put("use_cache", true);
    o.put("torch_dtype", "float32");
    return o;
  }

  /** Writes {@code config.json}. */
  public void write(Path file) {
    try {
      JSON.writeValue(file.toFile(), toJson());
    } catch (IOException e) {
      throw PolicyErrors.unwritable(file, e);
    }
  }
}
