package io.longctx.policy.tokenizer;

import java.util.List;

/**
 * Renders a single user turn the way a model's own chat template does, up to and including the generation
 * prompt, so that prompt lengths and generation inputs match what the model saw in training.
 */
public enum ChatTemplate implements ChatFormat {
  /** The embedded model's minimal format. */
  PLAIN {
    @Override
    public String render(String user) {
      return "<|user|>\n" + user + "\n<|assistant|>\n";
    }

    @Override
    public String render(String system, String user) {
      return "<|system|>\n" + system + "\n" + render(user);
    }
  },
  /** Qwen2/Qwen2.5 ChatML ({@code add_generation_prompt=True}), with Qwen2.5's default system message. */
  CHATML {
    @Override
    public String render(String user) {
      return render("You are Qwen, created by Alibaba Cloud. You are a helpful assistant.", user);
    }

    @Override
    public String render(String system, String user) {
      return "<|im_start|>system\n" + system + "<|im_end|>\n"
          + "<|im_start|>user\n" + user + "<|im_end|>\n<|im_start|>assistant\n";
    }
  },
  /** DeepSeek-R1-Distill-Qwen (the QwenLong-L1 base): generation prompt opens the {@code <think>} block. */
  R1 {
    @Override
    public String render(String user) {
      return "<｜begin▁of▁sentence｜><｜User｜>" + user + "<｜Assistant｜><think>\n";
    }

    @Override
    public String render(String system, String user) {
      return "<｜begin▁of▁sentence｜>" + system + "<｜User｜>" + user + "<｜Assistant｜><think>\n";
    }
  };

  /** One user turn with the template's default system message (if it has one), then the generation prompt. */
  @Override
  public abstract String render(String user);

  /**
   * A system message and one user turn, then the generation prompt: ChatML's explicit system turn, R1's system
   * text right after the begin-of-sentence token, and a {@code <|system|>} block for the plain format.
   */
  @Override
  public abstract String render(String system, String user);

  /** One message of a conversation: {@code role} is {@code system}, {@code user} or {@code assistant}. */
  public record Message(String role, String content) {}

  /**
   * A whole conversation, then the generation prompt: ChatML turns (with the default system message when the
   * conversation has none), R1's {@code <｜User｜>}/{@code <｜Assistant｜>} turns with each assistant turn closed by
   * the end-of-sentence token, or the plain format's {@code <|role|>} blocks. A single user message renders as
   * {@link #render(String)}.
   */
  @Override
  public String render(List<Message> messages) {
    StringBuilder sb = new StringBuilder();
    boolean hasSystem = !messages.isEmpty() && "system".equals(messages.get(0).role());
    switch (this) {
      case PLAIN -> {
        for (Message m : messages) {
          sb.append("<|").append(m.role()).append("|>\n").append(m.content()).append('\n');
        }
        sb.append("<|assistant|>\n");
      }
      case CHATML -> {
        if (!hasSystem) {
          sb.append("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.")
              .append("<|im_end|>\n");
        }
        for (Message m : messages) {
          sb.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n");
        }
        sb.append("<|im_start|>assistant\n");
      }
      case R1 -> {
        sb.append("<｜begin▁of▁sentence｜>");
        for (Message m : messages) {
          switch (m.role()) {
            case "system" -> sb.append(m.content());
            case "user" -> sb.append("<｜User｜>").append(m.content());
            default -> sb.append("<｜Assistant｜>").append(m.content()).append("<｜end▁of▁sentence｜>");
          }
        }
        sb.append("<｜Assistant｜><think>\n");
      }
      default -> throw new IllegalStateException(name());
    }
    return sb.toString();
  }

  @Override
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static ChatTemplate forName(String name) {
    for (ChatTemplate t : values()) {
      if (t.name().equalsIgnoreCase(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("Unknown chat template '" + name + "'; known: " + List.of(values()));
  }
}
