package io.longctx.policy.tokenizer;

import java.util.List;

/**
 * Renders a single user turn the way a model's own chat template does, up to and including the generation
 * prompt, so that prompt lengths and generation inputs match what the model saw in training.
 */
public enum ChatTemplate {
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
  public abstract String render(String user);

  /**
   * A system message and one user turn, then the generation prompt: ChatML's explicit system turn, R1's system
   * text right after the begin-of-sentence token, and a {@code <|system|>} block for the plain format.
   */
  public abstract String render(String system, String user);

  public static ChatTemplate forName(String name) {
    for (ChatTemplate t : values()) {
      if (t.name().equalsIgnoreCase(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("Unknown chat template '" + name + "'; known: " + List.of(values()));
  }
}
