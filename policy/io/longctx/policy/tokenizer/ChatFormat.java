package io.longctx.policy.tokenizer;

import java.io.Serializable;
import java.util.List;

/**
 * How a conversation becomes the text a model reads: the model's chat template up to and including the generation
 * prompt (the opening of the assistant's turn). Implementations are serializable so that Spark tasks can carry them:
 * the embedded formats of {@link ChatTemplate}, or a checkpoint's own Jinja template
 * ({@code io.longctx.policy.chat.CheckpointChatTemplate}).
 */
public interface ChatFormat extends Serializable {

  /** A whole conversation, then the generation prompt. */
  String render(List<ChatTemplate.Message> messages);

  /** One user turn (with the template's default system message, if it has one), then the generation prompt. */
  default String render(String user) {
    return render(List.of(new ChatTemplate.Message("user", user)));
  }

  /** A system message and one user turn, then the generation prompt. */
  default String render(String system, String user) {
    return render(List.of(new ChatTemplate.Message("system", system), new ChatTemplate.Message("user", user)));
  }

  /** A stable name for logs, reports and cache keys: {@code plain}, {@code chatml}, {@code r1}, the checkpoint's. */
  String label();
}
