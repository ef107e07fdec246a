package io.longctx.policy.chat;

import io.longctx.policy.chat.internal.JinjaRenderer;
import io.longctx.policy.tokenizer.ChatFormat;
import io.longctx.policy.tokenizer.ChatTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Hugging Face checkpoint's own chat template, rendered as transformers' {@code apply_chat_template(tokenize=False)}
 * renders it: the Jinja {@code chat_template} of {@code tokenizer_config.json} (a string, or the list of named
 * templates), or {@code chat_template.jinja} and {@code additional_chat_templates/*.jinja} beside it, with the
 * conversation as {@code messages}, {@code add_generation_prompt}, the special tokens of the config
 * ({@code bos_token}, {@code eos_token}, ...) and any extra variables ({@code enable_thinking} for Qwen3).
 *
 * <p>Which template: the one named at {@link #load(Path, String)}; else {@code tool_use} when tools are passed and
 * the checkpoint has one, else {@code default} (transformers' rule). Serializable: Spark tasks carry the template
 * text, not a path. A template that fails to render, or refuses a conversation with {@code raise_exception}, raises a
 * {@link io.longctx.policy.PolicyException} naming the checkpoint directory and the Jinja error.
 */
public final class CheckpointChatTemplate implements ChatFormat {
  private static final long serialVersionUID = 1L;
  static final String DEFAULT = "default";
  static final String TOOL_USE = "tool_use";

  private final String directory;
  private final LinkedHashMap<String, String> templates;
  private final String selected;
  private final LinkedHashMap<String, Object> variables;
  private transient Map<String, JinjaRenderer> renderers;

  CheckpointChatTemplate(String directory, Map<String, String> templates, String selected,
      Map<String, Object> variables) {
    this.directory = directory;
    this.templates = new LinkedHashMap<>(templates);
    this.selected = selected;
    this.variables = new LinkedHashMap<>(variables);
  }

  /** Whether {@code dir} has a chat template (in {@code tokenizer_config.json} or a {@code .jinja} file). */
  public static boolean existsIn(Path dir) {
    return CheckpointFiles.hasTemplate(dir);
  }

  /** The checkpoint's template ({@code default}, or {@code tool_use} for conversations with tools). */
  public static CheckpointChatTemplate load(Path dir) {
    return CheckpointFiles.read(dir, null);
  }

  /** One of the checkpoint's named templates ({@code default}, {@code tool_use}, ...). */
  public static CheckpointChatTemplate load(Path dir, String name) {
    return CheckpointFiles.read(dir, name);
  }

  /**
   * This template with one more variable passed to every render, as a keyword argument of
   * {@code apply_chat_template} is: {@code withVariable("enable_thinking", false)} turns Qwen3's thinking off.
   */
  public CheckpointChatTemplate withVariable(String name, Object value) {
    LinkedHashMap<String, Object> v = new LinkedHashMap<>(variables);
    v.put(name, value);
    return new CheckpointChatTemplate(directory, templates, selected, v);
  }

  /** The conversation and the generation prompt ({@code add_generation_prompt=True}). */
  @Override
  public String render(List<ChatTemplate.Message> messages) {
    List<Map<String, Object>> maps = new ArrayList<>(messages.size());
    for (ChatTemplate.Message m : messages) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("role", m.role());
      map.put("content", m.content());
      maps.add(map);
    }
    return render(maps, true, Map.of());
  }

  /**
   * The general form of {@code apply_chat_template(messages, tokenize=False, add_generation_prompt=..., **kwargs)}:
   * messages are maps as in Python ({@code role}, {@code content}, {@code tool_calls}, {@code reasoning_content},
   * ...), values strings, numbers, booleans, lists and maps; {@code kwargs} may hold {@code tools} and any variable
   * the template reads.
   */
  public String render(List<? extends Map<String, ?>> messages, boolean addGenerationPrompt, Map<String, ?> kwargs) {
    if (messages.isEmpty()) {
      throw ChatTemplateErrors.emptyConversation(directory);
    }
    Object tools = kwargs.get("tools");
    String name = selected != null ? selected : tools != null && templates.containsKey(TOOL_USE) ? TOOL_USE : DEFAULT;
    Map<String, Object> vars = new LinkedHashMap<>(variables);
    vars.putAll(kwargs);
    vars.put("messages", messages);
    vars.put("add_generation_prompt", addGenerationPrompt);
    try {
      return renderer(name).render(vars);
    } catch (JinjaRenderer.TemplateFailure e) {
      throw ChatTemplateErrors.renderFailed(directory, name, e.getMessage(), e.raisedByTemplate());
    }
  }

  private JinjaRenderer renderer(String name) {
    Map<String, JinjaRenderer> cache = renderers;
    if (cache == null) {
      cache = new ConcurrentHashMap<>();
      renderers = cache;
    }
    return cache.computeIfAbsent(name, n -> {
      String source = templates.get(n);
      if (source == null) {
        throw ChatTemplateErrors.noSuchTemplate(directory, n, List.copyOf(templates.keySet()));
      }
      try {
        return new JinjaRenderer(source);
      } catch (JinjaRenderer.TemplateFailure e) {
        throw ChatTemplateErrors.renderFailed(directory, n, e.getMessage(), false);
      }
    });
  }

  /** The checkpoint directory the template was read from. */
  public String directory() {
    return directory;
  }

  /** The names of the checkpoint's templates ({@code default} for a single one). */
  public List<String> names() {
    return List.copyOf(templates.keySet());
  }

  /** The Jinja source of the template that renders conversations without tools. */
  public String source() {
    return templates.get(selected != null ? selected : DEFAULT);
  }

  /** {@code checkpoint:DIR}, plus {@code #NAME} for a named template and the extra variables, if any. */
  @Override
  public String label() {
    return "checkpoint:" + directory + (selected != null ? "#" + selected : "")
        + (variables.isEmpty() ? "" : variables.toString());
  }

  @Override
  public String toString() {
    return label();
  }
}
