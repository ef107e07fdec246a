package io.longctx.policy.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a checkpoint directory's chat templates and special tokens the way transformers' tokenizer loading does:
 * {@code chat_template.jinja} and {@code additional_chat_templates/NAME.jinja} win over the {@code chat_template} of
 * {@code tokenizer_config.json} (a string, or a list of {@code {name, template}}); special tokens are strings or
 * {@code AddedToken} objects ({@code {"content": ...}}), from {@code tokenizer_config.json}, else
 * {@code special_tokens_map.json}.
 */
final class CheckpointFiles {
  static final String TOKENIZER_CONFIG = "tokenizer_config.json";
  static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";
  static final String TEMPLATE_FILE = "chat_template.jinja";
  static final String TEMPLATE_DIR = "additional_chat_templates";
  /** transformers' {@code SPECIAL_TOKENS_ATTRIBUTES}: the named tokens passed to every template. */
  static final List<String> SPECIAL_TOKENS =
      List.of("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token");
  private static final ObjectMapper JSON = new ObjectMapper();

  private CheckpointFiles() {}

  static boolean hasTemplate(Path dir) {
    if (Files.isRegularFile(dir.resolve(TEMPLATE_FILE)) || !jinjaFiles(dir).isEmpty()) {
      return true;
    }
    JsonNode config = json(dir.resolve(TOKENIZER_CONFIG));
    return config != null && config.hasNonNull("chat_template");
  }

  static CheckpointChatTemplate read(Path dir, String name) {
    String label = dir.toString();
    Map<String, String> templates = new LinkedHashMap<>();
    Path file = dir.resolve(TEMPLATE_FILE);
    if (Files.isRegularFile(file)) {
      templates.put(CheckpointChatTemplate.DEFAULT, text(file));
    }
    templates.putAll(jinjaFiles(dir));
    JsonNode config = json(dir.resolve(TOKENIZER_CONFIG));
    if (templates.isEmpty() && config != null && config.hasNonNull("chat_template")) {
      JsonNode t = config.get("chat_template");
      if (t.isTextual()) {
        templates.put(CheckpointChatTemplate.DEFAULT, t.asText());
      } else if (t.isArray()) {
        for (JsonNode entry : t) {
          if (!entry.path("name").isTextual() || !entry.path("template").isTextual()) {
            throw ChatTemplateErrors.badConfig(dir.resolve(TOKENIZER_CONFIG),
                "a 'chat_template' list entry is not {\"name\": ..., \"template\": ...}");
          }
          templates.put(entry.get("name").asText(), entry.get("template").asText());
        }
      } else {
        throw ChatTemplateErrors.badConfig(dir.resolve(TOKENIZER_CONFIG),
            "'chat_template' is neither a string nor a list of named templates");
      }
    }
    if (templates.isEmpty()) {
      throw ChatTemplateErrors.noTemplate(dir);
    }
    if (name != null && !templates.containsKey(name)) {
      throw ChatTemplateErrors.noSuchTemplate(label, name, List.copyOf(templates.keySet()));
    }
    if (name == null && !templates.containsKey(CheckpointChatTemplate.DEFAULT)) {
      throw ChatTemplateErrors.noDefault(label, List.copyOf(templates.keySet()));
    }
    return new CheckpointChatTemplate(label, templates, name, specialTokens(dir, config));
  }

  /** The special tokens as template variables: {@code bos_token}, ... and named extra tokens, as strings. */
  private static Map<String, Object> specialTokens(Path dir, JsonNode config) {
    JsonNode legacy = json(dir.resolve(SPECIAL_TOKENS_MAP));
    Map<String, Object> out = new LinkedHashMap<>();
    for (String key : SPECIAL_TOKENS) {
      String value = token(config == null ? null : config.get(key));
      if (value == null) {
        value = token(legacy == null ? null : legacy.get(key));
      }
      if (value != null) {
        out.put(key, value);
      }
    }
    JsonNode extra = config == null ? null : config.get("extra_special_tokens");
    if (extra != null && extra.isObject()) {
      for (Map.Entry<String, JsonNode> e : extra.properties()) {
        String value = token(e.getValue());
        if (value != null) {
          out.putIfAbsent(e.getKey(), value);
        }
      }
    }
    return out;
  }

  private static String token(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isTextual()) {
      return node.asText();
    }
    return node.path("content").isTextual() ? node.get("content").asText() : null;
  }

  private static Map<String, String> jinjaFiles(Path dir) {
    Map<String, String> out = new TreeMap<>();
    Path d = dir.resolve(TEMPLATE_DIR);
    if (!Files.isDirectory(d)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(d, "*.jinja")) {
      for (Path f : files) {
        String n = f.getFileName().toString();
        out.put(n.substring(0, n.length() - ".jinja".length()), text(f));
      }
    } catch (IOException e) {
      throw ChatTemplateErrors.unreadable(d, e);
    }
    return out;
  }

  private static JsonNode json(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw ChatTemplateErrors.unreadable(file, e);
    }
  }

  private static String text(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw ChatTemplateErrors.unreadable(file, e);
    }
  }
}
