package io.longctx.rewards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** 100% agreement with the reference reward code on the shared parity cases (judge off). */
class RewardParityTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static List<JsonNode> cases() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        RewardParityTest.class.getResourceAsStream("/rewards/parity-cases.jsonl"), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.isBlank()) {
          out.add(JSON.readTree(line));
        }
      }
    }
    return out;
  }

  @Test
  void everyParityCaseAgreesWithTheReference() throws Exception {
    SourceRouter router = new SourceRouter(RewardsConfig.defaults());
    List<JsonNode> cases = cases();
    assertThat(cases).hasSize(413);
    List<String> disagreements = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      JsonNode c = cases.get(i);
      RuleResult r = router.score(c.get("data_source").asText(), c.get("response").asText(), c.get("gold").asText());
      if (r.score() != c.get("expected").asDouble()) {
        disagreements.add("line " + (i + 1) + ": got " + r.score() + " pred=" + r.pred() + " :: " + c);
      }
    }
    assertThat(disagreements).isEmpty();
  }
}
