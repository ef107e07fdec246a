package io.longctx.transforms.synth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longctx.jobs.cli.LongctxCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code longctx synth} end to end, in-process: files under the warehouse and the JSON summary on stdout. */
class SynthCommandTest {
  @TempDir Path warehouse;

  private static final ObjectMapper JSON = new ObjectMapper();

  private String run(int expectedExit, String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(LongctxCli.execute(args)).isEqualTo(expectedExit);
    } finally {
      System.setOut(saved);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void writesTrainAndHeldoutAndPrintsASummary() throws Exception {
    String stdout = run(0, fullMix());
    JsonNode summary = JSON.readTree(stdout);
    Path train = warehouse.resolve("synth/train.jsonl");
    Path heldout = warehouse.resolve("synth/heldout.jsonl");
    List<String> lines = Files.readAllLines(train);
    assertThat(lines).hasSize(300);
    assertThat(Files.readAllLines(heldout)).hasSize(40);
    assertThat(summary.get("seed").asLong()).isEqualTo(42);
    assertThat(summary.at("/train/records").asInt()).isEqualTo(300);
    assertThat(summary.at("/train/path").asText()).isEqualTo(train.toString());
    assertThat(summary.at("/heldout/records").asInt()).isEqualTo(40);

    int perTask = 0;
    for (SynthTask t : SynthTask.values()) {
      int n = summary.at("/train/tasks/" + t.source()).asInt();
      long inFile = lines.stream().filter(l -> l.contains("\"source\":\"" + t.source() + "\"")).count();
      assertThat(n).isEqualTo((int) inFile);
      assertThat(n > 0).as(t.source()).isEqualTo(SynthConfig.defaults().weight(t) > 0);
      perTask += n;
    }
    assertThat(perTask).isEqualTo(300);
    int perBand = 0;
    for (JsonNode count : summary.at("/train/length_bands")) {
      perBand += count.asInt();
    }
    assertThat(perBand).isEqualTo(300);
    assertThat(summary.at("/train/length_bands/300-470").asInt()).isPositive();

    JsonNode first = JSON.readTree(lines.get(0));
    assertThat(first.fieldNames()).toIterable()
        .containsExactly("id", "context", "question", "answer", "source", "trace", "task", "difficulty");
    assertThat(first.get("difficulty").isObject()).isTrue();
    first.get("difficulty").forEach(v -> assertThat(v.isNumber()).isTrue());

    JsonNode manifest = JSON.readTree(warehouse.resolve("synth/manifest.json").toFile());
    assertThat(manifest.at("/config/samples").asInt()).isEqualTo(300);
    assertThat(manifest.at("/config/hop-distance").asDouble()).isEqualTo(SynthConfig.defaults().hopDistance());
    assertThat(manifest.at("/summary/train/records").asInt()).isEqualTo(300);

    // same command again: byte-identical output
    byte[] before = Files.readAllBytes(train);
    run(0, fullMix());
    assertThat(Files.readAllBytes(train)).isEqualTo(before);
  }

  /** {@code synth} with the full task mix (conf/local.yaml trains on retrieval alone). */
  private String[] fullMix() {
    return new String[] {"synth", "--warehouse", warehouse.toString(),
        "--set", "synth.samples=300", "--set", "synth.heldout-samples=40",
        "--set", "synth.task-weights={synth_docmath: 0.25, synth_multihop: 0.25, synth_retrieval: 0.3,"
            + " synth_long_toc_choices: 0.2}",
        "--set", "synth.length-bands=[{min: 300, max: 470, share: 0.5}, {min: 600, max: 970, share: 0.5}]"};
  }

  @Test
  void unwritableOutputFailsWithAClearMessage() throws Exception {
    Files.writeString(warehouse.resolve("blocker"), "a file where the output directory should be");
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      run(1, "synth", "--warehouse", warehouse.toString(), "--set", "synth.output=blocker",
          "--set", "synth.samples=10");
    } finally {
      System.setErr(saved);
    }
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("Cannot write synthetic records to " + warehouse.resolve("blocker/train.jsonl"))
        .contains("writable");
  }

  @Test
  void badKnobExitsWithUsageCode() {
    String stdout = run(2, "synth", "--warehouse", warehouse.toString(), "--set", "synth.hops=9");
    assertThat(stdout).isEmpty();
    assertThat(warehouse.resolve("synth/train.jsonl")).doesNotExist();
  }
}
