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
import java.util.Objects;

/**
 * The shape of a dense Qwen2ForCausalLM or Qwen3ForCausalLM model, read from and written to a Hugging Face
 * {@code config.json}. Accepts both the top-level {@code rope_theta} of published checkpoints and transformers 5's
 * {@code rope_parameters.rope_theta}; YaRN scaling from {@code rope_scaling} or {@code rope_parameters}.
 * Mixture-of-experts variants, sliding-window attention and other architectures are rejected with a message
 * naming the file and the key.
 *
 * @param headDim per-head dimension ({@code head_dim}; when absent hidden_size / num_attention_heads for Qwen2 and
 *     128 for Qwen3, as transformers defaults)
 * @param ropeScaling YaRN scaling, or {@code null} for plain RoPE
 * @param eosTokenIds end token ids from {@code eos_token_id} (may be empty)
 * @param family the architecture: decides the q/k norms and which projections carry biases
 * @param attentionBias whether the attention projections carry biases: always for Qwen2 (q/k/v), Qwen3's
 *     {@code attention_bias} (q/k/v and o)
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
    List<Integer> eosTokenIds,
    ModelFamily family,
    boolean attentionBias) {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** transformers' Qwen3Config default when config.json has no head_dim. */
  private static final int QWEN3_DEFAULT_HEAD_DIM = 128;

  public Qwen2Config {
    eosTokenIds = List.copyOf(eosTokenIds);
    Objects.requireNonNull(family, "family");
    if (family == ModelFamily.QWEN2 && !attentionBias) {
      throw new IllegalArgumentException("Qwen2 always has q/k/v biases (attentionBias must be true)");
    }
  }

  /** A Qwen2 config (q/k/v biases, no q/k norms). */
  public Qwen2Config(
      int hiddenSize, int numHiddenLayers, int numAttentionHeads, int numKeyValueHeads, int headDim,
      int intermediateSize, int vocabSize, double rmsNormEps, boolean tieWordEmbeddings, int maxPositionEmbeddings,
      double ropeTheta, RopeScaling ropeScaling, List<Integer> eosTokenIds) {
    this(hiddenSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, headDim, intermediateSize, vocabSize,
        rmsNormEps, tieWordEmbeddings, maxPositionEmbeddings, ropeTheta, ropeScaling, eosTokenIds, ModelFamily.QWEN2,
        true);
  }

  /** The same shape as another family ({@code attentionBias} as {@link #attentionBias()} describes). */
  public Qwen2Config withFamily(ModelFamily newFamily, boolean newAttentionBias) {
    return new Qwen2Config(hiddenSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, headDim,
        intermediateSize, vocabSize, rmsNormEps, tieWordEmbeddings, maxPositionEmbeddings, ropeTheta, ropeScaling,
        eosTokenIds, newFamily, newAttentionBias);
  }

  /** The same config with other end token ids. */
  public Qwen2Config withEosTokenIds(List<Integer> ids) {
    return new Qwen2Config(hiddenSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, headDim,
        intermediateSize, vocabSize, rmsNormEps, tieWordEmbeddings, maxPositionEmbeddings, ropeTheta, ropeScaling,
        ids, family, attentionBias);
  }

  /** Whether q/k/v projections carry biases. */
  public boolean qkvBias() {
    return attentionBias;
  }

  /** Whether o_proj carries a bias (Qwen3 with {@code attention_bias}). */
  public boolean outputBias() {
    return attentionBias && family == ModelFamily.QWEN3;
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
    ModelFamily family = family(root, source);
    if (root.path("use_sliding_window").asBoolean(false)) {
      throw PolicyErrors.badConfigValue(source, "use_sliding_window", "is true; sliding-window attention is not supported");
    }
    for (JsonNode t : root.path("layer_types")) {
      if (!t.asText().equals("full_attention")) {
        throw PolicyErrors.badConfigValue(source, "layer_types",
            "contains '" + t.asText() + "'; only full_attention layers are supported");
      }
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
    int headDim = root.hasNonNull("head_dim") ? positiveInt(root, "head_dim", source)
        : family == ModelFamily.QWEN3 ? QWEN3_DEFAULT_HEAD_DIM : hidden / heads;
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
        intList(root.path("eos_token_id")),
        family,
        family == ModelFamily.QWEN2 || root.path("attention_bias").asBoolean(false));
  }

  /** The family both {@code architectures} and {@code model_type} name (either may be absent, not both). */
  private static ModelFamily family(JsonNode root, Path source) {
    String modelType = root.path("model_type").asText(null);
    List<String> archs = new ArrayList<>();
    root.path("architectures").forEach(a -> archs.add(a.asText()));
    String found = "architectures=" + archs + ", model_type=" + modelType;
    int experts = Math.max(root.path("num_experts").asInt(0), root.path("n_routed_experts").asInt(0));
    String moe = archs.stream().filter(a -> a.contains("Moe")).findFirst()
        .orElse(modelType != null && modelType.contains("moe") ? modelType : experts > 0 ? found : null);
    if (moe != null) {
      throw PolicyErrors.mixtureOfExperts(source, moe, experts);
    }
    ModelFamily byType = modelType == null ? null : ModelFamily.byModelType(modelType);
    ModelFamily byArch = archs.stream().map(ModelFamily::byArchitecture).filter(Objects::nonNull)
        .findFirst().orElse(null);
    boolean consistent = (modelType == null || byType != null) && (archs.isEmpty() || byArch != null)
        && (byType == null || byArch == null || byType == byArch);
    if (!consistent || (byType == null && byArch == null)) {
      throw PolicyErrors.unsupportedArchitecture(source, found);
    }
    return byType != null ? byType : byArch;
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
    o.putArray("architectures").add(family.architecture());
    o.put("model_type", family.modelType());
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
    if (family == ModelFamily.QWEN3) {
      o.put("attention_bias", attentionBias);
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
