package io.longctx.policy.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.policy.PolicyErrors;
import io.longctx.policy.model.Projection;
import io.longctx.policy.model.Qwen2Config;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.safetensors.SafetensorsReader;
import io.longctx.policy.safetensors.SafetensorsWriter;
import io.longctx.policy.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * PEFT's on-disk adapter layout: {@code adapter_config.json} (peft_type LORA, r, lora_alpha, lora_dropout,
 * target_modules, base_model_name_or_path, ...) and {@code adapter_model.safetensors} with tensors named
 * {@code base_model.model.model.layers.N.<module>.lora_A.weight} / {@code lora_B.weight}.
 */
final class PeftFormat {
  static final String CONFIG_FILE = "adapter_config.json";
  static final String WEIGHTS_FILE = "adapter_model.safetensors";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PeftFormat() {}

  /** The adapter config as PEFT's {@code LoraConfig.save_pretrained} writes it (keys this engine knows). */
  static ObjectNode configJson(LoraConfig c, String baseModel) {
    ObjectNode o = JSON.createObjectNode();
    o.putObject("alpha_pattern");
    o.putNull("auto_mapping");
    o.put("base_model_name_or_path", baseModel);
    o.put("bias", "none");
    o.put("fan_in_fan_out", false);
    o.put("inference_mode", true);
    o.put("init_lora_weights", true);
    o.putNull("layers_pattern");
    o.putNull("layers_to_transform");
    if (c.alpha() == Math.rint(c.alpha()) && Math.abs(c.alpha()) < 1e9) {
      o.put("lora_alpha", (long) c.alpha());
    } else {
      o.put("lora_alpha", c.alpha());
    }
    o.put("lora_dropout", c.dropout());
    o.putNull("modules_to_save");
    o.put("peft_type", "LORA");
    o.put("r", c.rank());
    o.putObject("rank_pattern");
    o.putNull("revision");
    c.targetModules().forEach(o.putArray("target_modules")::add);
    o.put("task_type", "CAUSAL_LM");
    o.put("use_dora", false);
    o.put("use_rslora", false);
    return o;
  }

  static void write(LoraAdapter adapter, Path dir, String baseModel) {
    Path file = dir.resolve(CONFIG_FILE);
    try {
      Files.createDirectories(dir);
      Path tmp = file.resolveSibling(CONFIG_FILE + ".tmp");
      JSON.writeValue(tmp.toFile(), configJson(adapter.config(), baseModel));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw PolicyErrors.unwritable(file, e);
    }
    SafetensorsWriter.write(dir.resolve(WEIGHTS_FILE), adapter.parameters(), DataType.FLOAT32);
  }

  static JsonNode readConfig(Path dir) {
    Path file = dir.resolve(CONFIG_FILE);
    try {
      JsonNode n = JSON.readTree(file.toFile());
      if (n == null || !n.isObject()) {
        throw LoraErrors.badAdapterConfig(file, "(top level)", "must be a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw PolicyErrors.unreadable(file, e);
    }
  }

  /** The adapter in {@code dir}, checked against {@code model}'s shapes, on a sub-manager of the model's manager. */
  static LoraAdapter read(Path dir, Qwen2Model model) {
    Path file = dir.resolve(CONFIG_FILE);
    JsonNode n = readConfig(dir);
    String type = n.path("peft_type").asText("LORA");
    if (!"LORA".equals(type)) {
      throw LoraErrors.unsupported(file, "peft_type", type);
    }
    rejectSet(file, n, "use_dora", n.path("use_dora").asBoolean(false));
    rejectSet(file, n, "use_qalora", n.path("use_qalora").asBoolean(false));
    rejectSet(file, n, "lora_bias", n.path("lora_bias").asBoolean(false));
    rejectSet(file, n, "fan_in_fan_out", n.path("fan_in_fan_out").asBoolean(false));
    rejectSet(file, n, "bias", !"none".equals(n.path("bias").asText("none")));
    for (String key : List.of("modules_to_save", "rank_pattern", "alpha_pattern", "layers_to_transform",
        "target_parameters", "trainable_token_indices", "layer_replication", "exclude_modules")) {
      JsonNode v = n.path(key);
      rejectSet(file, n, key, !v.isMissingNode() && !v.isNull() && !(v.isContainerNode() && v.isEmpty()));
    }
    if (!n.path("r").canConvertToInt() || n.path("r").asInt() < 1) {
      throw LoraErrors.badAdapterConfig(file, "r", "must be an integer >= 1, got " + n.path("r"));
    }
    int rank = n.path("r").asInt();
    double alpha = number(file, n, "lora_alpha", 8.0);
    double dropout = number(file, n, "lora_dropout", 0.0);
    Qwen2Config c = model.config();
    List<String> targets = targets(file, n.path("target_modules"), c.numHiddenLayers());
    LoraConfig config = new LoraConfig(true, rank, alpha, dropout, targets, LoraConfig.defaults().stages());
    double scaling = n.path("use_rslora").asBoolean(false) ? alpha / Math.sqrt(rank) : alpha / rank;
    NDManager manager = model.manager().newSubManager();
    try {
      return new LoraAdapter(config, scaling, c.numHiddenLayers(), manager,
          tensors(dir.resolve(WEIGHTS_FILE), config, c, manager));
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private static Map<String, NDArray> tensors(Path file, LoraConfig config, Qwen2Config c, NDManager manager) {
    if (!Files.isRegularFile(file)) {
      throw LoraErrors.missingTensor(file, "(the file adapter_model.safetensors; adapter_model.bin is not read:"
          + " save the adapter with safe_serialization=True)");
    }
    SafetensorsReader reader = SafetensorsReader.open(file);
    Map<String, long[]> expected = new LinkedHashMap<>();
    for (int layer = 0; layer < c.numHiddenLayers(); layer++) {
      for (Projection p : config.targets()) {
        long[] outIn = p.shape(c);
        expected.put(LoraAdapter.tensorName(layer, p, "lora_A"), new long[] {config.rank(), outIn[1]});
        expected.put(LoraAdapter.tensorName(layer, p, "lora_B"), new long[] {outIn[0], config.rank()});
      }
    }
    for (String name : reader.tensors().keySet()) {
      if (!expected.containsKey(name)) {
        throw LoraErrors.unexpectedTensor(file, name);
      }
    }
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      TensorInfo info = reader.tensors().get(e.getKey());
      if (info == null) {
        throw LoraErrors.missingTensor(file, e.getKey());
      }
      if (!Arrays.equals(info.shape().getShape(), e.getValue())) {
        throw LoraErrors.shapeMismatch(file, e.getKey(), new ai.djl.ndarray.types.Shape(e.getValue()).toString(),
            info.shape().toString());
      }
      out.put(e.getKey(), reader.readFloat32(e.getKey(), manager));
    }
    return out;
  }

  /**
   * The projections {@code target_modules} selects, as PEFT matches it: a list entry selects a module whose full
   * name ({@code model.layers.N.self_attn.q_proj}) equals it or ends with {@code .entry}; a string is
   * {@code all-linear} or a regular expression the full name must match. Every layer must get the same set.
   */
  static List<String> targets(Path file, JsonNode t, int layers) {
    List<String> entries = new ArrayList<>();
    if (t.isArray()) {
      t.forEach(e -> entries.add(e.asText()));
    } else if (!t.isTextual()) {
      throw LoraErrors.badAdapterConfig(file, "target_modules", "must be a list of module names or a string");
    }
    Set<String> perLayer0 = null;
    for (int layer = 0; layer < layers; layer++) {
      Set<String> chosen = new HashSet<>();
      for (Projection p : Projection.values()) {
        String full = "model.layers." + layer + "." + p.path();
        boolean hit = t.isTextual()
            ? "all-linear".equals(t.asText()) || Pattern.compile(t.asText()).matcher(full).matches()
            : entries.stream().anyMatch(e -> full.equals(e) || full.endsWith("." + e));
        if (hit) {
          chosen.add(p.moduleName());
        }
      }
      if (perLayer0 == null) {
        perLayer0 = chosen;
      } else if (!perLayer0.equals(chosen)) {
        throw LoraErrors.unsupported(file, "target_modules (different projections per layer)", t);
      }
    }
    if (perLayer0 == null || perLayer0.isEmpty()) {
      throw LoraErrors.badAdapterConfig(file, "target_modules", "selects none of " + Projection.moduleNames()
          + ", got " + t);
    }
    Set<String> chosen = perLayer0;
    return Projection.moduleNames().stream().filter(chosen::contains).toList();
  }

  private static void rejectSet(Path file, JsonNode n, String key, boolean set) {
    if (set) {
      throw LoraErrors.unsupported(file, key, n.path(key));
    }
  }

  private static double number(Path file, JsonNode n, String key, double absent) {
    JsonNode v = n.path(key);
    if (v.isMissingNode() || v.isNull()) {
      return absent;
    }
    if (!v.isNumber() || !(v.asDouble() >= 0)) {
      throw LoraErrors.badAdapterConfig(file, key, "must be a number >= 0, got " + v);
    }
    return v.asDouble();
  }
}
