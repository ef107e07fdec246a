package io.longctx.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench policy --quick} runs end to end and prints one well-formed JSON line per measurement. */
class BenchPolicyCommandTest {
  @Test
  void quickBenchPrintsEveryMeasurementForBothModels() throws Exception {
    PrintStream saved = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      rc = LongctxCli.execute("bench", "policy", "--quick", "--threads", "1");
    } finally {
      System.setOut(saved);
    }
    assertThat(rc).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : buf.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith("{")) {
        lines.add(new ObjectMapper().readTree(line));
      }
    }
    assertThat(lines.get(0).get("metric").asText()).isEqualTo("machine");
    assertThat(lines.get(0).get("cpu_threads").asInt()).isEqualTo(1);
    for (String model : List.of("embedded", "bench-model")) {
      List<JsonNode> mine = lines.stream().filter(n -> model.equals(n.path("model").asText())).toList();
      int first = lines.indexOf(mine.get(0));
      assertThat(lines.get(first - 1).get("metric").asText()).as("matmul reference before " + model)
          .isEqualTo("matmul");
      assertThat(mine).extracting(n -> n.get("metric").asText())
          .containsExactly("prefill", "prefill", "decode", "decode", "group-rollout-per-row", "group-rollout",
              "optimizer-step", "prefill-memory", "prefill-memory", "optimizer-step-memory");
      for (JsonNode n : mine) {
        assertThat(n.get("seconds").asDouble()).isPositive();
        assertThat(n.get("tokens_per_s").asDouble()).isPositive();
        double matmul = n.get("matmul_gflop_per_s").asDouble();
        // both printed figures are rounded (GFLOP/s to 0.01, the fraction to 0.001)
        assertThat(n.get("fraction_of_matmul").asDouble())
            .isCloseTo(n.get("gflop_per_s").asDouble() / matmul,
                org.assertj.core.data.Offset.offset(0.0051 / matmul + 0.0006));
      }
    }
  }
}
