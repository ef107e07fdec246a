package io.longctx.policy.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longctx.policy.PolicyException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Real checkpoints' chat templates rendered byte for byte as transformers renders them: every case of
 * {@code chat-templates/goldens.json} (written by {@code scripts/make_chat_template_goldens.py} with transformers'
 * {@code apply_chat_template(tokenize=False)}), from the fixture directory as a checkpoint directory.
 */
class ChatTemplateGoldenTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Path fixture(String name) {
    try {
      return Path.of(ChatTemplateGoldenTest.class.getResource("/chat-templates/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<JsonNode> cases() {
    try (InputStream in = ChatTemplateGoldenTest.class.getResourceAsStream("/chat-templates/goldens.json")) {
      List<JsonNode> out = new ArrayList<>();
      JSON.readTree(in).get("cases").forEach(out::add);
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String render(JsonNode c) {
    List<Map<String, Object>> messages = JSON.convertValue(c.get("messages"), new TypeReference<>() {});
    Map<String, Object> kwargs = JSON.convertValue(c.get("kwargs"), new TypeReference<>() {});
    return CheckpointChatTemplate.load(fixture(c.get("template").asText()))
        .render(messages, c.get("add_generation_prompt").asBoolean(), kwargs);
  }

  @TestFactory
  Stream<DynamicTest> rendersAsTransformers() {
    return cases().stream().map(c -> DynamicTest.dynamicTest(
        c.get("template").asText() + "/" + c.get("case").asText() + " add_generation_prompt="
            + c.get("add_generation_prompt").asBoolean(),
        () -> {
          if (c.has("expected")) {
            assertThat(render(c)).isEqualTo(c.get("expected").asText());
          } else {
            assertThatThrownBy(() -> render(c)).isInstanceOf(PolicyException.class)
                .hasMessageContaining(c.get("error").asText())
                .hasMessageContaining(fixture(c.get("template").asText()).toString());
          }
        }));
  }

  @Test
  void goldensCoverTheTemplatesTheIssueNames() {
    Set<String> seen = new HashSet<>();
    for (JsonNode c : cases()) {
      String kw = c.get("kwargs").path("enable_thinking").isBoolean()
          ? "#thinking=" + c.get("kwargs").get("enable_thinking").asBoolean() : "";
      seen.add(c.get("template").asText() + kw);
      seen.add(c.get("template").asText() + "/" + c.get("case").asText());
    }
    assertThat(seen).contains("qwen2.5", "qwen3#thinking=true", "qwen3#thinking=false", "deepseek-r1-distill-qwen",
        "llama3", "llama3.1-instruct", "qwen3-jinja-file", "named-templates",
        "qwen3/multi-turn-think", "deepseek-r1-distill-qwen/multi-turn-think", "gemma3/roles-must-alternate");
    assertThat(cases().stream().filter(c -> c.has("error")).count()).isGreaterThanOrEqualTo(2);
  }
}
