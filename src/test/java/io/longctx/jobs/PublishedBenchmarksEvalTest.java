package io.longctx.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.longctx.jobs.cli.LongctxCli;
import io.longctx.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/longctx eval} on benchmark files in their published form (written by pandas, {@code datasets} and
 * pyarrow: {@code src/test/python/make_published_fixtures.py}), responses replayed from files: the published
 * Frames TSV with a small pages file, the same without pages (one line naming the missing articles), LongBench v2
 * and MRCR ({@code --benchmarks longbench-v2,mrcr}) with MRCR scores equal to hand-computed ratios.
 */
class PublishedBenchmarksEvalTest extends SparkTestBase {

  private static Path published(String relative) {
    try {
      return Path.of(PublishedBenchmarksEvalTest.class.getResource("/published/" + relative).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String resp(String bench, String item, String text) {
    return "{\"benchmark\":\"" + bench + "\",\"item_id\":\"" + item + "\",\"sample_index\":0,\"response\":\""
        + text + "\"}\n";
  }

  private static Path conf(Path dir, String pages) throws Exception {
    Path conf = dir.resolve("eval.yaml");
    Files.writeString(conf, "eval:\n  checkpoint: ckpt-1\n  samples-per-item: 1\n  max-input-tokens: 4096\n"
        + "  benchmarks:\n"
        + "    frames: [" + published("frames/test.tsv") + "]\n"
        + "    longbench-v2: [" + published("longbench-v2/data.parquet") + "]\n"
        + "    mrcr: [" + published("mrcr/2needle.parquet") + "]\n"
        + (pages == null ? "" : "  frames:\n    pages: " + published(pages) + "\n"));
    return conf;
  }

  @Test
  void publishedFramesLongBenchV2AndMrcrEvaluate(@TempDir Path dir) throws Exception {
    Path wh = dir.resolve("wh");
    Path responses = dir.resolve("responses.jsonl");
    String think = "<think>\\nreasoning\\n</think>\\n\\n";
    Files.writeString(responses,
        resp("frames", "0", think + "Therefore, the answer is Vessa River.")
            + resp("frames", "1", think + "Therefore, the answer is 1832.")
            + resp("frames", "2", think + "Therefore, the answer is 40.")
            + resp("longbench-v2", "lbv2-0000", "The correct answer is (B)")
            + resp("longbench-v2", "lbv2-0001", "The correct answer is (A)")
            + resp("longbench-v2", "lbv2-0002", think + "**The correct answer is A**")
            + Files.readString(published("mrcr/responses.jsonl")));
    String[] common = {"--conf", conf(dir, "frames/pages.jsonl").toString(), "--warehouse", wh.toString(),
        "--responses", responses.toString(), "--run", "pub", "--benchmarks", "frames,longbench-v2,mrcr"};
    String out = cli(0, "eval", common);
    assertThat(out).contains("frames").contains("longbench-v2").contains("mrcr").contains("average");

    String table = Warehouse.at(wh.toString()).table(Warehouse.EVAL_RESULTS);
    List<Row> rows = spark().read().format("delta").load(table).where("run = 'pub'").orderBy("benchmark", "item_id")
        .collectAsList();
    assertThat(rows).hasSize(8);
    assertThat(rows).extracting(r -> r.<String>getAs("benchmark") + "/" + r.getAs("item_id") + "=" + r.getAs("score"))
        .containsExactly("frames/0=1.0", "frames/1=1.0", "frames/2=0.0", "longbench-v2/lbv2-0000=1.0",
            "longbench-v2/lbv2-0001=0.0", "longbench-v2/lbv2-0002=1.0", "mrcr/2needle.parquet#1=" + (44.0 / 48),
            "mrcr/2needle.parquet#2=0.0");
    // MRCR, by hand: "Tapirs sleep in reeds." vs "Tapirs sleep in the reeds." share "Tapirs sleep in " and
    // "reeds." = 22 elements of 22 + 26 -> 44 / 48; the second response lacks Qm7xPzL2bT -> 0
    Row mrcr = rows.get(6);
    assertThat(mrcr.<Double>getAs("score")).isEqualTo(44.0 / 48);
    assertThat(mrcr.<Double>getAs("rule_score")).isEqualTo(44.0 / 48);
    assertThat(mrcr.<Double>getAs("judge_score")).isNull();
    assertThat(rows).allSatisfy(r -> assertThat(r.<Integer>getAs("missing_documents")).isZero());

    // the prompts: LongBench v2 asks for "The correct answer is", MRCR renders the conversation
    String summaryJson = cli(0, "eval", "--conf", conf(dir, "frames/pages.jsonl").toString(), "--warehouse",
        wh.toString(), "--responses", responses.toString(), "--run", "pub2", "--benchmarks", "longbench-v2,mrcr",
        "--json");
    List<String> lines = summaryJson.lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).contains("\"benchmark\":\"longbench-v2\"");
    assertThat(lines.get(1)).contains("\"benchmark\":\"mrcr\"");
    double mean = spark().read().format("delta").load(table).where("run = 'pub2' AND benchmark = 'mrcr'")
        .agg(org.apache.spark.sql.functions.avg("score")).first().getDouble(0);
    assertThat(mean).isCloseTo((44.0 / 48 + 0.0) / 2, within(1e-12));

    // the report's eval table lists the new benchmarks
    Path report = dir.resolve("report");
    cli(0, "report", "pub", "--warehouse", wh.toString(), "--out", report.toString());
    String html = Files.readString(report.resolve("index.html"));
    assertThat(html).contains("longbench-v2").contains("mrcr").contains("frames");
  }

  @Test
  void framesWithoutPagesFailsWithOneLineNamingTheMissingArticles(@TempDir Path dir) throws Exception {
    Path responses = dir.resolve("r.jsonl");
    Files.writeString(responses, resp("frames", "0", "x"));
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = LongctxCli.execute("eval", "--conf", conf(dir, null).toString(), "--warehouse",
          dir.resolve("wh").toString(), "--responses", responses.toString(), "--benchmarks", "frames");
    } finally {
      System.setErr(old);
    }
    assertThat(code).isEqualTo(1);
    List<String> lines = err.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> l.contains("Wikipedia article")).toList();
    assertThat(lines).singleElement().asString()
        .contains("Frames: 12 Wikipedia article(s) needed by 3 of 3 item(s)")
        .contains("'Orlem Vasko', 'Kantria', 'Dovel, Kantria'")
        .contains("eval.frames.pages");
  }

  private static String cli(int expected, String command, String... rest) {
    String[] all = new String[rest.length + 1];
    all[0] = command;
    System.arraycopy(rest, 0, all, 1, rest.length);
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      assertThat(LongctxCli.execute(all)).as(String.join(" ", all)).isEqualTo(expected);
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
