package io.longctx.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longctx.policy.model.Golden;
import io.longctx.policy.tokenizer.ChatTemplate;
import io.longctx.policy.tokenizer.Tokenizer;
import io.longctx.policy.tokenizer.TokenizerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code longctx generate} run in-process. */
class GenerateCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }


  private static int[] ints(JsonNode array) {
    List<Integer> l = new ArrayList<>();
    array.forEach(n -> l.add(n.asInt()));
    return l.stream().mapToInt(Integer::intValue).toArray();
  }

  /** {@code generate --greedy} on {@code prompt}: the JSON line. */
  private static JsonNode greedy(Path model, int[] prompt, int newTokens) throws Exception {
    String ids = IntStream.of(prompt).mapToObj(Integer::toString).collect(Collectors.joining(","));
    CliRun r = run("generate", "--model", model.toString(), "--input-ids", ids, "--max-new-tokens",
        Integer.toString(newTokens), "--greedy");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().strip().lines().count()).isEqualTo(1);
    return JSON.readTree(r.out());
  }

  @Test
  void greedyOutputIdsMatchReference() throws Exception {
    JsonNode line;
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
      line = greedy(Golden.modelDir(), Golden.tensor("greedy_prompt", m).toIntArray(), 24);
      assertThat(ints(line.get("output_ids"))).containsExactly(Golden.tensor("greedy_output", m).toIntArray());
    }
    assertThat(line.get("logprobs").size()).isEqualTo(24);
    assertThat(line.get("finish_reason").asText()).isEqualTo("length");
    assertThat(line.has("text")).isFalse();
  }

  @Test
  void qwen3CheckpointGreedyOutputIdsMatchReference() throws Exception {
    Golden.Fixture g = Golden.qwen3("qwen3-tiny-untied-yarn"); // bfloat16 weights, untied head, YaRN
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
      JsonNode line = greedy(g.modelDir(), g.tensor("greedy_prompt_0", m).toIntArray(), 16);
      assertThat(ints(line.get("output_ids"))).containsExactly(g.tensor("greedy_output_0", m).toIntArray());
    }
  }

  @Test
  void promptTextWithTokenizerJsonInTheModelDirectory() throws Exception {
    Path model = dir.resolve("m");
    Files.createDirectories(model);
    for (String f : List.of("config.json", "model.safetensors", "generation_config.json")) {
      Files.copy(Golden.modelDir().resolve(f), model.resolve(f));
    }
    Files.copy(Path.of(getClass().getResource("/tokenizer/wordlevel-tokenizer.json").toURI()), model.resolve("tokenizer.json"));
    CliRun r = run("generate", "--model", model.toString(), "--prompt", "the cat sat", "--max-new-tokens", "5",
        "--temperature", "0.8", "--top-p", "0.9", "--seed", "3");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode line = JSON.readTree(r.out());
    int[] out = ints(line.get("output_ids"));
    assertThat(out).startsWith(10, 11, 12);
    assertThat(line.get("text").isTextual()).isTrue();
    CliRun again = run("generate", "--model", model.toString(), "--prompt", "the cat sat", "--max-new-tokens", "5",
        "--temperature", "0.8", "--top-p", "0.9", "--seed", "3");
    assertThat(again.out()).isEqualTo(r.out());
  }

  @Test
  void embeddedModelWithByteTokenizer() throws Exception {
    CliRun r = run("generate", "--model", "embedded", "--tokenizer", "byte", "--prompt", "hi", "--max-new-tokens", "3",
        "--seed", "1");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode line = JSON.readTree(r.out());
    assertThat(ints(line.get("output_ids"))).startsWith('h', 'i').hasSizeBetween(3, 5);
    assertThat(line.has("text")).isTrue();
  }

  /** transformers' rendering of {@code case} with the qwen3 fixture ({@code chat-templates/goldens.json}). */
  private static String qwen3Golden(String caseName) throws Exception {
    try (var in = GenerateCommandTest.class.getResourceAsStream("/chat-templates/goldens.json")) {
      for (JsonNode c : JSON.readTree(in).get("cases")) {
        if (c.get("template").asText().equals("qwen3") && c.get("case").asText().equals(caseName)
            && c.get("add_generation_prompt").asBoolean()) {
          return c.get("expected").asText();
        }
      }
    }
    throw new IllegalStateException("no golden " + caseName);
  }

  private Path chatModel(String templateFixture) throws Exception {
    Path model = dir.resolve(templateFixture);
    Files.createDirectories(model);
    Files.copy(resource("/tokenizer/wordlevel-tokenizer.json"), model.resolve("tokenizer.json"));
    Files.copy(resource("/chat-templates/" + templateFixture + "/tokenizer_config.json"),
        model.resolve("tokenizer_config.json"));
    return model;
  }

  private Path resource(String name) throws Exception {
    return Path.of(getClass().getResource(name).toURI());
  }

  private static JsonNode promptLine(CliRun r) throws Exception {
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().strip().lines().count()).isEqualTo(1);
    JsonNode line = JSON.readTree(r.out());
    assertThat(line.properties()).extracting(java.util.Map.Entry::getKey).containsExactly("prompt", "prompt_ids");
    return line;
  }

  @Test
  void printPromptRendersTheCheckpointsOwnTemplate() throws Exception {
    Path model = chatModel("qwen3");
    int[] ids;
    JsonNode line =
        promptLine(run("generate", "--model", model.toString(), "--chat", "What is 2+2?", "--print-prompt"));
    assertThat(line.get("prompt").asText()).isEqualTo(qwen3Golden("single-user"));
    try (Tokenizer tok = new TokenizerSpec(model.toString()).open()) {
      ids = tok.encode(qwen3Golden("single-user"));
    }
    assertThat(ints(line.get("prompt_ids"))).containsExactly(ids);
    assertThat(promptLine(run("generate", "--model", model.toString(), "--chat", "What is 2+2?", "--system",
        "You are a careful reader.", "--print-prompt")).get("prompt").asText()).isEqualTo(qwen3Golden("system-user"));
    assertThat(promptLine(run("generate", "--model", model.toString(), "--chat", "What is 2+2?", "--enable-thinking",
        "false", "--print-prompt")).get("prompt").asText()).isEqualTo(qwen3Golden("thinking-off"));
    assertThat(promptLine(run("generate", "--model", model.toString(), "--chat", "hi", "--chat-template", "chatml",
        "--print-prompt")).get("prompt").asText()).isEqualTo(ChatTemplate.CHATML.render("hi"));
    assertThat(promptLine(run("generate", "--model", chatModel("deepseek-r1-distill-qwen").toString(), "--chat",
        "hi", "--print-prompt")).get("prompt").asText())
        .isEqualTo("<｜begin▁of▁sentence｜><｜User｜>hi<｜Assistant｜><think>\n");
  }

  @Test
  void printPromptForTheEmbeddedModelAndUsageErrors() throws Exception {
    JsonNode line = promptLine(run("generate", "--model", "embedded", "--tokenizer", "byte", "--chat", "hi",
        "--print-prompt"));
    assertThat(line.get("prompt").asText()).isEqualTo("<|user|>\nhi\n<|assistant|>\n");
    assertThat(line.get("prompt_ids").size()).isEqualTo("<|user|>\nhi\n<|assistant|>\n".length());
    CliRun noMax = run("generate", "--model", "embedded", "--tokenizer", "byte", "--chat", "hi");
    assertThat(noMax.code()).isEqualTo(2);
    assertThat(noMax.err()).contains("--max-new-tokens");
    CliRun thinking = run("generate", "--model", "embedded", "--tokenizer", "byte", "--chat", "hi",
        "--enable-thinking", "false", "--print-prompt");
    assertThat(thinking.code()).isEqualTo(2);
    assertThat(thinking.err()).contains("--enable-thinking needs the checkpoint's own chat template");
  }

  @Test
  void aTemplateThatFailsNamesTheCheckpointAndTheError() throws Exception {
    Path model = chatModel("qwen3");
    Files.writeString(model.resolve("tokenizer_config.json"),
        "{\"chat_template\": \"{% for m in messages %}{{ m.content }}\"}");
    CliRun r = run("generate", "--model", model.toString(), "--chat", "hi", "--print-prompt");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("The chat template of " + model + " failed to render: ").contains("endfor");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void promptWithoutTokenizerIsAUsageError() {
    CliRun r = run("generate", "--model", Golden.modelDir().toString(), "--prompt", "x", "--max-new-tokens", "2");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--prompt needs a tokenizer");
    CliRun bad = run("generate", "--model", dir.toString(), "--input-ids", "1,2", "--max-new-tokens", "2");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("no config.json");
  }
}
