package io.longctx.rewards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longctx.jobs.cli.LongctxCli;
import io.longctx.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code longctx reward} end to end: a real file in, Spark, a real loopback judge, files out. */
class RewardCommandTest extends SparkTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private record Run(int exit, String stdout) {}

  private Run run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    String before = spark().conf().get("spark.sql.files.maxPartitionBytes");
    spark().conf().set("spark.sql.files.maxPartitionBytes", "4096"); // many partitions: order must survive
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      int exit = LongctxCli.execute(args);
      return new Run(exit, buf.toString(StandardCharsets.UTF_8).trim());
    } finally {
      System.setOut(old);
      spark().conf().set("spark.sql.files.maxPartitionBytes", before);
    }
  }

  @Test
  void scoresEveryParityLineInOrderWithTheRuleOnly() throws Exception {
    List<JsonNode> cases = RewardParityTest.cases();
    Path in = dir.resolve("in.jsonl");
    List<String> lines = new ArrayList<>();
    for (JsonNode c : cases) {
      lines.add(c.toString());
    }
    Files.write(in, lines);
    Path out = dir.resolve("out.jsonl");
    Run r = run("reward", "--in", in.toString(), "--out", out.toString());
    assertThat(r.exit()).isZero();
    JsonNode summary = JSON.readTree(r.stdout());
    assertThat(summary.get("scored").asLong()).isEqualTo(413);
    assertThat(summary.get("rejected").asLong()).isZero();
    List<String> outLines = Files.readAllLines(out);
    assertThat(outLines).hasSize(413);
    for (int i = 0; i < outLines.size(); i++) {
      JsonNode o = JSON.readTree(outLines.get(i));
      JsonNode c = cases.get(i);
      assertThat(o.get("response").asText()).isEqualTo(c.get("response").asText());
      assertThat(o.get("expected").asDouble()).isEqualTo(c.get("expected").asDouble()); // input fields kept
      assertThat(o.get("score").asDouble()).as("line %d", i + 1).isEqualTo(c.get("expected").asDouble());
      assertThat(o.get("rule_score").asDouble()).isEqualTo(c.get("expected").asDouble());
      assertThat(o.get("judge_score").isNull()).isTrue();
      assertThat(o.has("pred")).isTrue();
    }
    assertThat(Files.exists(dir.resolve("out.jsonl.rejected.jsonl"))).isFalse();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("in.jsonl", "out.jsonl"); // no part directories or .crc files left
    }
  }

  @Test
  void badLinesAreRejectedWithTheirReasonAndTheJudgeLiftsScores() throws Exception {
    try (LoopbackJudgeServer server = new LoopbackJudgeServer()) {
      Path in = dir.resolve("mixed.jsonl");
      Files.write(in, List.of(
          "{\"id\": 1, \"data_source\": \"musique\", \"question\": \"Where?\", "
              + "\"response\": \"<think>x</think> the answer is Paris\", \"gold\": \"Paris\"}",
          "{\"id\": 2, \"data_source\": \"hotpotqa\", \"question\": \"Who?\", "
              + "\"response\": \"<think>x</think> the answer is Left Bank\", \"gold\": \"rive gauche\"}",
          "",
          "{not json",
          "{\"data_source\": \"musique\", \"response\": \"<think></think>the answer is x\"}",
          "{\"data_source\": \"gsm8k\", \"response\": \"<think></think>the answer is 3\", \"gold\": \"3\"}",
          "{\"data_source\": \"docmath\", \"response\": 42, \"gold\": \"3\"}",
          "{\"id\": 8, \"data_source\": \"docmath_v1\", \"response\": \"no think\", \"gold\": \"3\"}"));
      Path out = dir.resolve("mixed-out.jsonl");
      Run r = run("reward", "--in", in.toString(), "--out", out.toString(), "--judge",
          "--judge-endpoint", server.endpoint("yes"), "--judge-model", "tiny");
      assertThat(r.exit()).isEqualTo(1);
      JsonNode summary = JSON.readTree(r.stdout());
      assertThat(summary.get("scored").asLong()).isEqualTo(3);
      assertThat(summary.get("rejected").asLong()).isEqualTo(4);
      assertThat(summary.get("judged").asLong()).isEqualTo(1);
      List<String> outLines = Files.readAllLines(out);
      assertThat(outLines).hasSize(3);
      JsonNode first = JSON.readTree(outLines.get(0));
      JsonNode second = JSON.readTree(outLines.get(1));
      JsonNode third = JSON.readTree(outLines.get(2));
      assertThat(first.get("id").asInt()).isEqualTo(1);
      assertThat(first.get("score").asDouble()).isEqualTo(1.0);
      assertThat(first.get("judge_score").isNull()).isTrue();
      assertThat(second.get("rule_score").asDouble()).isEqualTo(0.0);
      assertThat(second.get("judge_score").asDouble()).isEqualTo(1.0);
      assertThat(second.get("score").asDouble()).isEqualTo(1.0);
      assertThat(second.get("pred").asText()).isEqualTo("Left Bank");
      assertThat(third.get("id").asInt()).isEqualTo(8);
      assertThat(third.get("score").asDouble()).isEqualTo(0.0);
      assertThat(third.get("pred").isNull()).isTrue();
      assertThat(third.get("judge_score").isNull()).isTrue();
      assertThat(server.bodies.get(0).get("model").asText()).isEqualTo("tiny");

      List<String> rejected = Files.readAllLines(dir.resolve("mixed-out.jsonl.rejected.jsonl"));
      assertThat(rejected).hasSize(4);
      List<JsonNode> rej = new ArrayList<>();
      for (String l : rejected) {
        rej.add(JSON.readTree(l));
      }
      assertThat(rej.get(0).get("line").asInt()).isEqualTo(4);
      assertThat(rej.get(0).get("error").asText()).contains("not valid JSON");
      assertThat(rej.get(0).get("input").asText()).isEqualTo("{not json");
      assertThat(rej.get(1).get("error").asText()).isEqualTo("line 5: missing field 'gold'");
      assertThat(rej.get(2).get("error").asText()).contains("no rule verifier for data_source 'gsm8k'");
      assertThat(rej.get(3).get("error").asText()).contains("field 'response' must be a string");
    }
  }

  @Test
  void missingInputFileIsAOneLineError() {
    Run r = run("reward", "--in", dir.resolve("nope.jsonl").toString(), "--out", dir.resolve("o.jsonl").toString());
    assertThat(r.exit()).isEqualTo(1);
  }
}
