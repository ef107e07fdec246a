package io.longctx.policy.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longctx.policy.tokenizer.Tokenizer;
import io.longctx.policy.tokenizer.TokenizerSpec;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The ids of rendered Qwen3 prompts with the real Qwen3 {@code tokenizer.json} (fetched by the build into
 * {@code target/npm}, as for QwenTokenizerParityTest) equal transformers' {@code apply_chat_template(tokenize=True)}
 * ({@code chat-templates/qwen3-ids.json}). Reported skipped when the build could not fetch the tokenizer.
 */
class Qwen3PromptIdsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void promptIdsEqualTransformers() throws Exception {
    Path tokenizer = Path.of(System.getProperty("longctx.build.dir", "target"), "npm", "package", "models",
        "tokenizer.json");
    Assumptions.assumeTrue(Files.isRegularFile(tokenizer),
        "no Qwen3 tokenizer.json at " + tokenizer + " (npm missing when the build ran)");
    CheckpointChatTemplate qwen3 = CheckpointChatTemplate.load(ChatTemplateGoldenTest.fixture("qwen3"));
    try (InputStream in = getClass().getResourceAsStream("/chat-templates/qwen3-ids.json");
        Tokenizer tok = new TokenizerSpec(tokenizer.toString()).open()) {
      JsonNode cases = JSON.readTree(in).get("cases");
      assertThat(cases.size()).isGreaterThanOrEqualTo(3);
      for (JsonNode c : cases) {
        List<Map<String, Object>> messages = JSON.convertValue(c.get("messages"), new TypeReference<>() {});
        String prompt = qwen3.render(messages, true, Map.of());
        assertThat(prompt).as(c.get("case").asText()).isEqualTo(c.get("prompt").asText());
        int[] expected = JSON.convertValue(c.get("prompt_ids"), int[].class);
        assertThat(tok.encode(prompt)).as(c.get("case").asText()).containsExactly(expected);
      }
    }
  }
}
