package io.longctx.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.longctx.jobs.cli.LongctxCli;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.testing.SparkTestBase;
import io.longctx.transforms.eval.EvalErrors;
import io.longctx.transforms.eval.ResponseScorer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end over real Delta tables: hand-written layout files, responses replayed from a file, the rewards
 * verifiers, eval_results written idempotently, the summary checked against hand-computed values, and the CLI.
 */
class EvaluateCheckpointJobTest extends SparkTestBase {

  private static Path layout(String relative) {
    try {
      return Path.of(EvaluateCheckpointJobTest.class.getResource("/eval-layouts/" + relative).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String benchmarks() {
    return "{hotpotqa: [" + layout("longbench/hotpotqa.jsonl") + "], synth: [" + layout("synth/heldout.jsonl") + "]}";
  }

  private static LongctxConfig config(Path warehouse, String run, Path responses, Map<String, String> extra) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("warehouse", warehouse.toString());
    o.put("eval.run", run);
    o.put("eval.checkpoint", "ckpt-100");
    o.put("eval.benchmarks", benchmarks());
    o.put("eval.samples-per-item", "2");
    o.put("eval.max-input-tokens", "4096");
    o.put("eval.responses", responses.toString());
    o.putAll(extra);
    return ConfigLoader.load(null, o);
  }

  private static String resp(String bench, String item, int s, String answer) {
    String text = answer == null ? "I am not sure." : "<think>\\nreasoning\\n</think>\\n\\n" + answer;
    return "{\"benchmark\":\"" + bench + "\",\"item_id\":\"" + item + "\",\"sample_index\":" + s + ",\"response\":\""
        + text + "\"}";
  }

  /** c per item: hotpotqa 1/2 and 2/2; synth 1/2, 1/2, 0/2. */
  private static Path mixedResponses(Path dir) throws Exception {
    Path f = dir.resolve("mixed.jsonl");
    Files.writeString(f, String.join("\n",
        resp("hotpotqa", "hotpotqa-0001", 0, "Therefore, the answer is Tarnis."),
        resp("hotpotqa", "hotpotqa-0001", 1, "Therefore, the answer is Korvel Museum."),
        resp("hotpotqa", "hotpotqa-0002", 0, "Therefore, the answer is yes."),
        resp("hotpotqa", "hotpotqa-0002", 1, "Therefore, the answer is **yes**"),
        resp("synth", "heldout-0", 0, "Therefore, the answer is 4821."),
        resp("synth", "heldout-0", 1, "Therefore, the answer is 4812."),
        resp("synth", "heldout-1", 0, "Therefore, the answer is 42."),
        resp("synth", "heldout-1", 1, null),
        resp("synth", "heldout-2", 0, "The correct answer is (C)."),
        resp("synth", "heldout-2", 1, "The correct answer is (A).")) + "\n");
    return f;
  }

  private static Path allCorrect(Path dir) throws Exception {
    Path f = dir.resolve("correct.jsonl");
    StringBuilder sb = new StringBuilder();
    for (int s = 0; s < 2; s++) {
      sb.append(resp("hotpotqa", "hotpotqa-0001", s, "Therefore, the answer is Tarnis.")).append('\n');
      sb.append(resp("hotpotqa", "hotpotqa-0002", s, "Therefore, the answer is yes.")).append('\n');
      sb.append(resp("synth", "heldout-0", s, "Therefore, the answer is 4821.")).append('\n');
      sb.append(resp("synth", "heldout-1", s, "Therefore, the answer is 42.")).append('\n');
      sb.append(resp("synth", "heldout-2", s, "The correct answer is (B).")).append('\n');
    }
    Files.writeString(f, sb.toString());
    return f;
  }

  private static EvaluateCheckpointJob.Result run(LongctxConfig c) {
    return new EvaluateCheckpointJob(spark(), c, Warehouse.at(c.warehouse()), ResponseScorer.hybrid(c.rewards()))
        .execute();
  }

  private static Row row(List<Row> summary, String benchmark) {
    return summary.stream().filter(r -> r.getAs("benchmark").equals(benchmark)).findFirst().orElseThrow();
  }

  @Test
  void evaluatesWritesIdempotentlyAndSummarises(@TempDir Path dir) throws Exception {
    Path wh = dir.resolve("wh");
    EvaluateCheckpointJob.Result r = run(config(wh, "a", mixedResponses(dir), Map.of()));
    assertThat(r.items()).isEqualTo(5);
    assertThat(r.rowsWritten()).isEqualTo(10);
    assertThat(r.problems()).isEmpty();
    Row hotpot = row(r.summary(), "hotpotqa");
    assertThat(hotpot.<Long>getAs("items")).isEqualTo(2L);
    assertThat(hotpot.<Double>getAs("mean_at_k")).isCloseTo(0.75, within(1e-12));
    assertThat(hotpot.<Double>getAs("pass_at_1")).isCloseTo(0.75, within(1e-12));
    assertThat(hotpot.<Double>getAs("pass_at_k")).isCloseTo(1.0, within(1e-12));
    // EM per item: Tarnis 1 + "Korvel Museum" 0 -> 0.5; "yes" and "**yes**" (asterisks removed) -> 1
    assertThat(hotpot.<Double>getAs("em")).isCloseTo(0.75, within(1e-12));
    Row synth = row(r.summary(), "synth");
    assertThat(synth.<Double>getAs("mean_at_k")).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(synth.<Double>getAs("pass_at_k")).isCloseTo(2.0 / 3, within(1e-12));
    Row avg = row(r.summary(), "average");
    assertThat(avg.<Double>getAs("mean_at_k")).isCloseTo((0.75 + 1.0 / 3) / 2, within(1e-12));
    assertThat(avg.<Double>getAs("pass_at_k")).isCloseTo((1.0 + 2.0 / 3) / 2, within(1e-12));
    assertThat(r.summary().get(r.summary().size() - 1).<String>getAs("benchmark")).isEqualTo("average");

    String table = Warehouse.at(wh.toString()).table(Warehouse.EVAL_RESULTS);
    Row one = spark().read().format("delta").load(table)
        .where("item_id = 'hotpotqa-0001' AND sample_index = 1").first();
    assertThat(one.<String>getAs("pred")).isEqualTo("Korvel Museum");
    assertThat(one.<Double>getAs("score")).isEqualTo(0.0);
    assertThat(one.<String>getAs("checkpoint")).isEqualTo("ckpt-100");
    assertThat(one.<Boolean>getAs("truncated")).isFalse();
    assertThat(one.<Double>getAs("temperature")).isEqualTo(0.7);

    // same run + checkpoint again, other responses: the slice is replaced, not appended
    EvaluateCheckpointJob.Result again = run(config(wh, "a", allCorrect(dir), Map.of()));
    assertThat(spark().read().format("delta").load(table).count()).isEqualTo(10);
    assertThat(row(again.summary(), "average").<Double>getAs("mean_at_k")).isEqualTo(1.0);

    // a second run lands beside it; --compare prints both
    run(config(wh, "b", mixedResponses(dir), Map.of()));
    assertThat(spark().read().format("delta").load(table).count()).isEqualTo(20);
    List<Row> cmp = io.longctx.transforms.eval.EvalResults.compare(spark(), table, "a", "b").collectAsList();
    Row cmpAvg = row(cmp, "average");
    assertThat(cmpAvg.<Double>getAs("a_mean_at_k")).isEqualTo(1.0);
    assertThat(cmpAvg.<Double>getAs("delta_mean_at_k")).isCloseTo((0.75 + 1.0 / 3) / 2 - 1.0, within(1e-12));
  }

  @Test
  void badRecordsFailInStrictModeAndAreListedOtherwise(@TempDir Path dir) throws Exception {
    Path wh = dir.resolve("wh");
    Path bad = layout("malformed/synth_bad.jsonl");
    Path responses = dir.resolve("r.jsonl");
    Files.writeString(responses, resp("synth", "s1", 0, "Therefore, the answer is Zed.") + "\n");
    Map<String, String> o = Map.of("eval.benchmarks", "{synth: [" + bad + "]}", "eval.samples-per-item", "1");
    assertThatThrownBy(() -> run(config(wh, "a", responses, o)))
        .isInstanceOf(EvalErrors.EvalException.class)
        .hasMessageContaining("2 bad benchmark record(s)")
        .hasMessageContaining("synth_bad.jsonl record 2")
        .hasMessageContaining("eval.strict=false");
    Map<String, String> lenient = new LinkedHashMap<>(o);
    lenient.put("eval.strict", "false");
    EvaluateCheckpointJob.Result r = run(config(wh, "a", responses, lenient));
    assertThat(r.items()).isEqualTo(1);
    assertThat(r.problems()).extracting(p -> p.record()).containsExactly(2L, 3L);
    assertThat(row(r.summary(), "synth").<Double>getAs("mean_at_k")).isEqualTo(1.0);
  }

  @Test
  void cliEvaluatesAndComparesRuns(@TempDir Path dir) throws Exception {
    Path wh = dir.resolve("wh");
    Path conf = dir.resolve("eval.yaml");
    Files.writeString(conf, "eval:\n  benchmarks: " + benchmarks() + "\n  checkpoint: ckpt-7\n");
    String[] common = {"--conf", conf.toString(), "--warehouse", wh.toString()};
    String out1 = cli(common, "eval", "--run", "base", "--k", "2", "--responses", mixedResponses(dir).toString());
    assertThat(out1).contains("benchmark").contains("hotpotqa").contains("average").contains("0.750");
    String out2 = cli(common, "eval", "--run", "rl", "--k", "2", "--benchmarks", "hotpotqa",
        "--responses", allCorrect(dir).toString());
    assertThat(out2).contains("hotpotqa").doesNotContain("synth");
    String cmp = cli(common, "eval", "--compare", "base", "rl", "--json");
    List<String> lines = cmp.lines().toList();
    assertThat(lines).hasSize(3); // hotpotqa, synth (only in base), average
    assertThat(lines.get(0)).contains("\"benchmark\":\"hotpotqa\"").contains("\"a_mean_at_k\":0.75")
        .contains("\"b_mean_at_k\":1.0").contains("\"delta_mean_at_k\":0.25");
    assertThat(LongctxCli.execute("eval", "--conf", conf.toString(), "--warehouse", wh.toString(),
        "--compare", "base", "nope")).isEqualTo(1);
  }

  private static String cli(String[] common, String... args) {
    String[] all = new String[args.length + common.length];
    System.arraycopy(args, 0, all, 0, 1);
    System.arraycopy(common, 0, all, 1, common.length);
    System.arraycopy(args, 1, all, 1 + common.length, args.length - 1);
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      assertThat(LongctxCli.execute(all)).as(String.join(" ", all)).isEqualTo(0);
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
