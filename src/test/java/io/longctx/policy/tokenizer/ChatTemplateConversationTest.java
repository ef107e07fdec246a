package io.longctx.policy.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A whole conversation (MRCR's prompts) renders as each template's turns, and one user turn as before. */
class ChatTemplateConversationTest {
  private static final List<ChatTemplate.Message> TALK = List.of(
      new ChatTemplate.Message("user", "write a poem"), new ChatTemplate.Message("assistant", "A poem."),
      new ChatTemplate.Message("user", "repeat it"));

  @Test
  void oneUserTurnRendersAsTheSingleTurnForm() {
    for (ChatTemplate t : ChatTemplate.values()) {
      assertThat(t.render(List.of(new ChatTemplate.Message("user", "hi")))).as(t.name()).isEqualTo(t.render("hi"));
    }
  }

  @Test
  void conversationsRenderEveryTurnThenTheGenerationPrompt() {
    assertThat(ChatTemplate.CHATML.render(TALK)).isEqualTo(
        "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
            + "<|im_start|>user\nwrite a poem<|im_end|>\n<|im_start|>assistant\nA poem.<|im_end|>\n"
            + "<|im_start|>user\nrepeat it<|im_end|>\n<|im_start|>assistant\n");
    assertThat(ChatTemplate.R1.render(TALK)).isEqualTo(
        "<｜begin▁of▁sentence｜><｜User｜>write a poem<｜Assistant｜>A poem.<｜end▁of▁sentence｜>"
            + "<｜User｜>repeat it<｜Assistant｜><think>\n");
    assertThat(ChatTemplate.PLAIN.render(TALK))
        .isEqualTo("<|user|>\nwrite a poem\n<|assistant|>\nA poem.\n<|user|>\nrepeat it\n<|assistant|>\n");
    assertThat(ChatTemplate.CHATML.render(List.of(new ChatTemplate.Message("system", "S"),
        new ChatTemplate.Message("user", "U")))).isEqualTo(ChatTemplate.CHATML.render("S", "U"));
  }
}
