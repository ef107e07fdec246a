package io.longctx.transforms.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.longctx.policy.tokenizer.ChatTemplate;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.rewards.RewardsConfig;
import io.longctx.testing.SparkTestBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalPipelineSparkTest extends SparkTestBase {
  private static final List<String> CHOICES = List.of("long_toc_choices");

  private static Dataset<Row> items(Benchmark b, String file) {
    List<Row> rows = BenchmarkLoader.load(b, List.of(EvalLayouts.file(file))).items().stream()
        .map(EvalItem::toRow).collect(Collectors.toList());
    return spark().createDataFrame(rows, EvalItem.SCHEMA);
  }

  @Test
  void promptsUseTheTemplateAndMiddleTruncateToTheCap() {
    Dataset<Row> items = items(Benchmark.FRAMES, "frames/test.jsonl").orderBy("item_id");
    TokenizerSpec bytes = new TokenizerSpec(TokenizerSpec.BYTE);

    List<Row> full = EvalPrompts.build(items, bytes, ChatTemplate.PLAIN, 100_000, CHOICES).orderBy("item_id").collectAsList();
    Row r0 = full.get(0);
    String user = EvalPrompts.userMessage(r0.getAs("question"), r0.getAs("document"), false);
    assertThat(user).startsWith("Please read the following text and answer the question below.\n\n<text>\nOrlem\n")
        .endsWith("\n</text>\n\nWhich river flows through the capital of the country where Orlem was born?\n\n"
            + "Format your response as follows: \"Therefore, the answer is (insert answer here)\".");
    assertThat((String) r0.getAs("prompt")).isEqualTo(ChatTemplate.PLAIN.render(user));
    assertThat((int) r0.getAs("prompt_tokens")).isEqualTo(user.getBytes(StandardCharsets.UTF_8).length);
    assertThat((int) r0.getAs("input_tokens")).isEqualTo(ChatTemplate.PLAIN.render(user).length());
    assertThat((boolean) r0.getAs("truncated")).isFalse();

    int cap = 101;
    List<Row> capped = EvalPrompts.build(items, bytes, ChatTemplate.PLAIN, cap, CHOICES).orderBy("item_id").collectAsList();
    Row c0 = capped.get(0);
    String expectedUser = user.substring(0, cap / 2) + user.substring(user.length() - (cap - cap / 2));
    assertThat((String) c0.getAs("prompt")).isEqualTo(ChatTemplate.PLAIN.render(expectedUser));
    assertThat((int) c0.getAs("prompt_tokens")).isEqualTo(user.length());
    assertThat((boolean) c0.getAs("truncated")).isTrue();
    // exactly at the cap: not truncated
    List<Row> exact =
        EvalPrompts.build(items, bytes, ChatTemplate.PLAIN, user.length(), CHOICES).orderBy("item_id").collectAsList();
    assertThat((boolean) exact.get(0).getAs("truncated")).isFalse();
  }

  @Test
  void passAtKColumnMatchesTheJavaEstimator() {
    StructType schema = new StructType().add("n", DataTypes.IntegerType).add("c", DataTypes.IntegerType)
        .add("k", DataTypes.IntegerType);
    List<Row> rows = new ArrayList<>();
    for (int n = 1; n <= 12; n++) {
      for (int c = 0; c <= n; c++) {
        for (int k = 1; k <= n; k++) {
          rows.add(RowFactory.create(n, c, k));
        }
      }
    }
    List<Row> out = spark().createDataFrame(rows, schema)
        .withColumn("p", PassAtK.column("n", "c", "k")).collectAsList();
    assertThat(out).hasSize(rows.size());
    for (Row r : out) {
      assertThat(r.getDouble(3)).as("n=%d c=%d k=%d", r.getInt(0), r.getInt(1), r.getInt(2))
          .isCloseTo(PassAtK.estimate(r.getInt(0), r.getInt(1), r.getInt(2)), within(1e-12));
    }
    Row outside = spark().createDataFrame(List.of(RowFactory.create(3, 1, 4)), schema)
        .select(PassAtK.column("n", "c", "k")).first();
    assertThat(outside.isNullAt(0)).isTrue();
  }

  @Test
  void replayedResponsesAreScoredByTheRewardVerifiers(@TempDir Path dir) throws Exception {
    Dataset<Row> prompts = EvalPrompts.build(items(Benchmark.SYNTH, "synth/heldout.jsonl"),
        new TokenizerSpec(TokenizerSpec.BYTE), ChatTemplate.PLAIN, 4096, CHOICES);
    List<Row> built = prompts.orderBy("item_id").collectAsList();
    assertThat(built.get(1).<String>getAs("prompt")).contains("\"Therefore, the answer is (insert answer here)\"");
    assertThat(built.get(2).<String>getAs("prompt")).contains("\"The correct answer is (insert answer here)\"");
    Path file = dir.resolve("responses.jsonl");
    Files.writeString(file, String.join("\n",
        line("heldout-0", 0, "<think>\\nZorvex code 4821.\\n</think>\\n\\nTherefore, the answer is 4821."),
        line("heldout-1", 0, "<think>\\n12+30=42\\n</think>\\n\\nTherefore, the answer is 42.0."),
        line("heldout-2", 0, "<think>\\nTide\\n</think>\\n\\nThe correct answer is (C).")) + "\n");
    Dataset<Row> responses = ReplayedResponses.join(prompts, ReplayedResponses.read(spark(), file), 1, file);
    ResponseScorer scorer = ResponseScorer.hybrid(RewardsConfig.defaults());
    List<Row> scored = scorer.score(responses.withColumn("gold", org.apache.spark.sql.functions.element_at(
        org.apache.spark.sql.functions.col("golds"), 1))).orderBy("item_id").collectAsList();
    assertThat(scored).extracting(r -> (double) r.getAs("score")).containsExactly(1.0, 1.0, 0.0);
    assertThat(scored).extracting(r -> (String) r.getAs("pred")).containsExactly("4821", "42.0", "C");
    assertThat(scored).extracting(r -> (double) r.getAs("em")).containsExactly(1.0, 0.0, 0.0);
    assertThat(scored.get(0).isNullAt(scored.get(0).fieldIndex("judge_score"))).isTrue();

    Path partial = dir.resolve("partial.jsonl");
    Files.writeString(partial, line("heldout-0", 0, "x") + "\n");
    assertThatThrownBy(() -> ReplayedResponses.join(prompts, ReplayedResponses.read(spark(), partial), 1, partial))
        .isInstanceOf(EvalErrors.EvalException.class)
        .hasMessageContaining("No response for benchmark 'synth'")
        .hasMessageContaining(partial.toString());
    assertThatThrownBy(() -> scorer.validateSources(List.of("synth_retrieval", "mystery_source")))
        .hasMessageContaining("mystery_source");
  }

  @Test
  void theJudgeIsAskedOnlyWhereTheRuleFailsAndTheScoreIsTheMax(@TempDir Path dir) throws Exception {
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/chat/completions", ex -> {
      asked.incrementAndGet();
      ex.getRequestBody().readAllBytes();
      byte[] body = ("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
          + "\"content\":\"Both name the same number. [[YES]]\"},\"finish_reason\":\"stop\"}]}")
          .getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    try {
      RewardsConfig.JudgeConfig d = RewardsConfig.JudgeConfig.defaults();
      RewardsConfig rewards = RewardsConfig.defaults().withJudge(new RewardsConfig.JudgeConfig(true,
          "http://127.0.0.1:" + server.getAddress().getPort() + "/v1", "judge", d.apiKeyEnv(), 5_000, 1, 10, 2, 64));
      Dataset<Row> prompts = EvalPrompts.build(items(Benchmark.SYNTH, "synth/heldout.jsonl"),
          new TokenizerSpec(TokenizerSpec.BYTE), ChatTemplate.PLAIN, 4096, CHOICES);
      Path file = dir.resolve("responses.jsonl");
      Files.writeString(file, String.join("\n",
          line("heldout-0", 0, "<think>\\nx\\n</think>\\n\\nTherefore, the answer is code four eight two one."),
          line("heldout-1", 0, "<think>\\nx\\n</think>\\n\\nTherefore, the answer is 42."),
          line("heldout-2", 0, "no think block, (B)")) + "\n");
      Dataset<Row> responses = ReplayedResponses.join(prompts, ReplayedResponses.read(spark(), file), 1, file)
          .withColumn("gold", org.apache.spark.sql.functions.element_at(org.apache.spark.sql.functions.col("golds"), 1));
      // persisted, as the job does: every action on an unpersisted result would ask the judge again
      Dataset<Row> scoredOnce = ResponseScorer.hybrid(rewards).score(responses).persist();
      List<Row> scored = scoredOnce.orderBy("item_id").collectAsList();
      scoredOnce.unpersist();
      assertThat(scored).extracting(r -> (double) r.getAs("rule_score")).containsExactly(0.0, 1.0, 0.0);
      assertThat(scored).extracting(r -> (Double) r.getAs("judge_score")).containsExactly(1.0, null, null);
      assertThat(scored).extracting(r -> (double) r.getAs("score")).containsExactly(1.0, 1.0, 0.0);
      assertThat(asked.get()).isEqualTo(1);
    } finally {
      server.stop(0);
    }
  }

  static String line(String item, int sample, String response) {
    return "{\"benchmark\":\"synth\",\"item_id\":\"" + item + "\",\"sample_index\":" + sample + ",\"response\":\""
        + response + "\"}";
  }
}
