package io.longctx.policy.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longctx.policy.PolicyException;
import io.longctx.policy.tokenizer.ChatFormat;
import io.longctx.policy.tokenizer.ChatTemplate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code policy.chat-template} / {@code --chat-template} settings, named templates and shipping to executors. */
class ChatTemplatesTest {
  @TempDir Path dir;

  @Test
  void builtInFormatsAndAutoForTheEmbeddedModel() {
    assertThat(ChatTemplates.resolve("auto", "embedded")).isEqualTo(ChatTemplate.PLAIN);
    assertThat(ChatTemplates.resolve("chatml", "embedded")).isEqualTo(ChatTemplate.CHATML);
    assertThat(ChatTemplates.resolve("r1", dir.toString())).isEqualTo(ChatTemplate.R1);
    assertThatThrownBy(() -> ChatTemplates.resolve("tool_use", "embedded")).isInstanceOf(PolicyException.class)
        .hasMessageContaining("Unknown chat template 'tool_use'");
  }

  @Test
  void autoUsesTheCheckpointsTemplateAndNamesADirectoryWithout() throws IOException {
    Path qwen3 = ChatTemplateGoldenTest.fixture("qwen3");
    ChatFormat f = ChatTemplates.resolve("auto", qwen3.toString());
    assertThat(f).isInstanceOf(CheckpointChatTemplate.class);
    assertThat(f.render("hi")).isEqualTo("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
    assertThat(f.render("S", "hi"))
        .isEqualTo("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
    assertThat(((CheckpointChatTemplate) f).withVariable("enable_thinking", false).render("hi"))
        .endsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n");
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
    assertThat(CheckpointChatTemplate.existsIn(dir)).isFalse();
    assertThatThrownBy(() -> ChatTemplates.resolve("auto", dir.toString())).isInstanceOf(PolicyException.class)
        .hasMessage("No chat template in " + dir + ": tokenizer_config.json has no 'chat_template' and there is no"
            + " chat_template.jinja. Name a built-in format instead: policy.chat-template (or --chat-template)"
            + " plain, chatml or r1.");
  }

  @Test
  void namedTemplates() {
    Path named = ChatTemplateGoldenTest.fixture("named-templates");
    CheckpointChatTemplate t = CheckpointChatTemplate.load(named);
    assertThat(t.names()).containsExactly("default", "tool_use");
    assertThat(t.render("hi")).startsWith("<|begin_of_text|><|start_header_id|>user");
    assertThat(ChatTemplates.resolve("tool_use", named.toString()).render("hi"))
        .startsWith("<|im_start|>system\nYou are Qwen");
    assertThatThrownBy(() -> ChatTemplates.resolve("rag", named.toString())).isInstanceOf(PolicyException.class)
        .hasMessage("The checkpoint " + named + " has no chat template named 'rag'; it has [default, tool_use]."
            + " Pick one of those, or a built-in format (plain, chatml, r1).");
  }

  @Test
  void builtInFormatsMatchTheTemplatesTheyImitate() {
    CheckpointChatTemplate qwen25 = CheckpointChatTemplate.load(ChatTemplateGoldenTest.fixture("qwen2.5"));
    CheckpointChatTemplate r1 = CheckpointChatTemplate.load(ChatTemplateGoldenTest.fixture("deepseek-r1-distill-qwen"));
    List<List<ChatTemplate.Message>> talks = List.of(
        List.of(new ChatTemplate.Message("user", "hi")),
        List.of(new ChatTemplate.Message("system", "S"), new ChatTemplate.Message("user", "U")),
        List.of(new ChatTemplate.Message("user", "a"), new ChatTemplate.Message("assistant", "b"),
            new ChatTemplate.Message("user", "c")));
    for (List<ChatTemplate.Message> talk : talks) {
      assertThat(ChatTemplate.CHATML.render(talk)).isEqualTo(qwen25.render(talk));
      assertThat(ChatTemplate.R1.render(talk)).isEqualTo(r1.render(talk));
    }
  }

  @Test
  void travelsToExecutorsAsText() throws Exception {
    CheckpointChatTemplate t = CheckpointChatTemplate.load(ChatTemplateGoldenTest.fixture("deepseek-r1-distill-qwen"));
    String before = t.render("hi");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(t);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      ChatFormat back = (ChatFormat) in.readObject();
      assertThat(back.render("hi")).isEqualTo(before)
          .isEqualTo("<｜begin▁of▁sentence｜><｜User｜>hi<｜Assistant｜><think>\n");
      assertThat(back.label()).isEqualTo(t.label());
    }
    assertThat(ChatTemplate.R1.render("hi")).isEqualTo(before);
    assertThat(ChatTemplate.R1.render(List.of(new ChatTemplate.Message("user", "hi")))).isEqualTo(before);
  }
}
