package io.longctx.policy.chat;

import io.longctx.policy.PolicyConfig;
import io.longctx.policy.tokenizer.ChatFormat;
import io.longctx.policy.tokenizer.ChatTemplate;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Picks the chat format for a setting ({@code policy.chat-template} or {@code --chat-template}) and a model:
 * {@code auto} is the model's own template for a Hugging Face directory ({@link CheckpointChatTemplate}) and
 * {@code plain} for the embedded model; {@code plain}, {@code chatml} and {@code r1} are the built-in formats of
 * {@link ChatTemplate}; any other name picks one of the checkpoint's named templates ({@code tool_use}, ...).
 */
public final class ChatTemplates {
  public static final String AUTO = "auto";
  /** The values {@code policy.chat-template} accepts. */
  public static final List<String> SETTINGS = List.of(AUTO, "plain", "chatml", "r1");
  private static final String EMBEDDED = "embedded";

  private ChatTemplates() {}

  /** The format for the policy: {@code policy.chat-template} applied to {@code policy.model}. */
  public static ChatFormat forPolicy(PolicyConfig policy) {
    return resolve(policy.chatTemplate(), policy.model());
  }

  /**
   * The format {@code setting} names for {@code model} ({@code embedded} or a Hugging Face model directory).
   *
   * @throws io.longctx.policy.PolicyException when {@code auto} or a template name meets a directory without
   *     templates (or without that name), or the name is unknown for the embedded model
   */
  public static ChatFormat resolve(String setting, String model) {
    String s = setting.trim();
    for (ChatTemplate t : ChatTemplate.values()) {
      if (t.label().equals(s.toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    boolean embedded = model == null || EMBEDDED.equals(model);
    if (AUTO.equals(s)) {
      return embedded ? ChatTemplate.PLAIN : CheckpointChatTemplate.load(Path.of(model));
    }
    if (embedded || s.isEmpty()) {
      throw ChatTemplateErrors.unknownSetting(setting);
    }
    return CheckpointChatTemplate.load(Path.of(model), s);
  }
}
