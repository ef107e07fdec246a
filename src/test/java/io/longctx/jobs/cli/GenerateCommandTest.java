package io.longctx.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longctx.policy.model.Golden;
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
