package io.longctx.jobs.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.longctx.common.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Binds a YAML file onto {@link LongctxConfig}. Precedence, highest first: {@code --set key=value} overrides,
 * then the file, then the defaults in code. Keys are kebab-case and dotted paths address nested sections
 * ({@code train.group-size}). Unknown keys and out-of-range values fail with a {@link ConfigException} naming
 * the key.
 */
public final class ConfigLoader {
  private static final ObjectMapper YAML = newMapper(new ObjectMapper(new YAMLFactory()));
  private static final ObjectMapper JSON = newMapper(new ObjectMapper());

  private ConfigLoader() {}

  private static ObjectMapper newMapper(ObjectMapper m) {
    return m.setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .findAndRegisterModules();
  }

  /** The mapper used for config records (kebab-case names); also used to print the effective config. */
  public static ObjectMapper jsonMapper() {
    return JSON;
  }

  public static LongctxConfig load(Path file, Map<String, String> overrides) {
    return loadLayered(file == null ? List.of() : List.of(file), overrides);
  }

  /**
   * Layered files: each file is merged over the result of the ones before it (mappings key by key, lists and
   * scalars replaced), then the overrides. An ablation overlay over its base config is {@code [base, overlay]}.
   */
  public static LongctxConfig loadLayered(List<Path> files, Map<String, String> overrides) {
    ObjectNode tree = JSON.valueToTree(LongctxConfig.defaults());
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        throw new ConfigException("--conf", "file " + file + " does not exist");
      }
      JsonNode fromFile;
      try {
        fromFile = YAML.readTree(file.toFile());
      } catch (IOException e) {
        throw new ConfigException("--conf", "cannot parse " + file + " as YAML: " + e.getMessage());
      }
      if (fromFile != null && !fromFile.isMissingNode() && !fromFile.isNull()) {
        if (!fromFile.isObject()) {
          throw new ConfigException("--conf", file + " must hold a YAML mapping at the top level");
        }
        merge(tree, (ObjectNode) fromFile, "");
      }
    }
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      applyOverride(tree, e.getKey(), e.getValue());
    }
    LongctxConfig config = bind(tree);
    config.validate();
    return config;
  }

  /**
   * A copy of {@code config} with {@code key=value} settings applied as {@code --set} applies them (a value may be
   * a YAML flow mapping that replaces a whole section), validated.
   */
  public static LongctxConfig withValues(LongctxConfig config, Map<String, String> values) {
    ObjectNode tree = JSON.valueToTree(config);
    for (Map.Entry<String, String> e : values.entrySet()) {
      applyOverride(tree, e.getKey(), e.getValue());
    }
    LongctxConfig out = bind(tree);
    out.validate();
    return out;
  }

  public static LongctxConfig load(Path file) {
    return load(file, Map.of());
  }

  static LongctxConfig bind(JsonNode tree) {
    try {
      return JSON.treeToValue(tree, LongctxConfig.class);
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(
          pathOf(e), "unknown key; known keys here: " + e.getKnownPropertyIds());
    } catch (JsonMappingException e) {
      throw new ConfigException(pathOf(e), e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException("<config>", e.getMessage());
    }
  }

  private static String pathOf(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.length() == 0 ? "<config>" : sb.toString();
  }

  /**
   * Mappings that a file replaces whole rather than merges: the file's benchmark list is the list to run, not an
   * addition to the default {@code synth} entry; the file's task weights are the mix (a task it does not list has
   * weight 0, as documented), not changes to the default mix's four weights.
   */
  private static final java.util.Set<String> REPLACED = java.util.Set.of("eval.benchmarks", "synth.task-weights");

  /** Deep merge: mappings merge key by key; lists and scalars replace. Unknown keys are caught at binding. */
  private static void merge(ObjectNode target, ObjectNode source, String prefix) {
    for (Map.Entry<String, JsonNode> e : source.properties()) {
      JsonNode existing = target.get(e.getKey());
      if (existing instanceof ObjectNode && e.getValue() instanceof ObjectNode
          && !REPLACED.contains(prefix + e.getKey())) {
        merge((ObjectNode) existing, (ObjectNode) e.getValue(), prefix + e.getKey() + ".");
      } else {
        target.set(e.getKey(), e.getValue());
      }
    }
  }

  /**
   * Applies {@code a.b.c=value}. The value is parsed as a YAML flow value, so {@code 8}, {@code 0.7},
   * {@code true}, {@code [256, 512]} and {@code {k: v}} all work; anything else is a string.
   */
  static void applyOverride(ObjectNode tree, String key, String rawValue) {
    List<String> parts = List.of(key.split("\\."));
    ObjectNode node = tree;
    for (int i = 0; i < parts.size() - 1; i++) {
      JsonNode child = node.get(parts.get(i));
      if (child == null) {
        throw new ConfigException(key, "unknown key '" + String.join(".", parts.subList(0, i + 1)) + "'");
      }
      if (!(child instanceof ObjectNode)) {
        throw new ConfigException(key, "'" + String.join(".", parts.subList(0, i + 1)) + "' is not a section");
      }
      node = (ObjectNode) child;
    }
    String leaf = parts.get(parts.size() - 1);
    JsonNode value;
    try {
      value = rawValue.isEmpty() ? JSON.getNodeFactory().textNode("") : YAML.readTree(rawValue);
    } catch (IOException e) {
      value = JSON.getNodeFactory().textNode(rawValue);
    }
    if (value == null || value.isMissingNode()) {
      value = JSON.getNodeFactory().nullNode();
    }
    JsonNode existing = node.get(leaf);
    if (existing != null && existing.isTextual() && !value.isTextual() && !value.isNull()
        && !value.isContainerNode()) {
      value = JSON.getNodeFactory().textNode(rawValue); // "--set x.name=123" keeps a string a string
    }
    if (existing instanceof ArrayNode && !value.isArray() && !value.isNull()) {
      throw new ConfigException(key, "expects a list such as [1, 2], got '" + rawValue + "'");
    }
    node.set(leaf, value);
  }
}
