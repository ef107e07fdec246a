package io.longctx.jobs.report;

import static io.longctx.jobs.report.ReportAssertions.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longctx.jobs.Warehouse;
import io.longctx.jobs.cli.LongctxCli;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.jobs.train.StepTables;
import io.longctx.jobs.train.TrainTables;
import io.longctx.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports over real Delta tables written row by row: a run name full of markup characters, tables that do not
 * exist yet, an unknown run, and the {@code report} command line.
 */
class ReportEdgeCasesTest extends SparkTestBase {
  static final String RUN = "a<&>b";

  @TempDir Path dir;

  private static Map<String, Double> values(long step) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("reward_mean", 0.125 * step);
    m.put("accuracy", 0.25 * step);
    m.put("kept_group_fraction", 0.5);
    m.put("response_len_mean", 10.0 + step);
    m.put("entropy", 1.0 / 3);
    m.put("grad_norm", 1.25e-4);
    m.put("lr", 3.0e-4);
    m.put("loss", -0.0625);
    m.put("hard_samples", (double) step);
    m.put("ledger_rows", 2.0 * step);
    m.put("time_rollout_s", 1.5);
    m.put("time_reward_s", 0.25);
    m.put("time_optimizer_s", 1.0);
    m.put("time_total_s", 4.0);
    return m;
  }

  private Warehouse metricsOnly() {
    Warehouse wh = Warehouse.at(dir.resolve("wh").toString());
    StepTables tables = new StepTables(spark());
    for (long step = 1; step <= 3; step++) {
      tables.writeSlice(TrainTables.metricRow(spark(), RUN, step, "rl", step < 3 ? 1 : 2, values(step)),
          wh.table(Warehouse.METRICS), RUN, step);
    }
    return wh;
  }

  private static LongctxConfig config(Warehouse wh) {
    return ConfigLoader.load(null, Map.of("warehouse", wh.root().toString()));
  }

  @Test
  void escapesNamesAndSaysWhatIsNotAvailable() throws Exception {
    Warehouse wh = metricsOnly();
    WriteReportJob.Result r = new WriteReportJob(spark(), config(wh), wh).setRun(RUN).execute();
    assertThat(r.index()).isEqualTo(wh.root().resolve("reports/report/a___b/index.html"));
    String html = Files.readString(r.index(), StandardCharsets.UTF_8);
    ReportAssertions.balanced(html);
    assertThat(html).doesNotContain(RUN).contains("<h1>Run a&lt;&amp;&gt;b</h1>")
        .contains("<title>longctx report: a&lt;&amp;&gt;b</title>");
    assertThat(ReportAssertions.imagesDecode(html, r.index().getParent()))
        .containsExactly("curves.png", "time-breakdown.png", "accuracy-per-phase.png", "hard-samples.png");

    // the numbers of the step rows, formatted
    Map<String, Double> v2 = values(2);
    assertThat(html).contains(row(2L, 1, "rl", 0.25, 0.5, 0.5, null, 12.0, 1.0 / 3, 1.25e-4, 3.0e-4, -0.0625, 2.0, 4.0));
    assertThat(html).contains(row(2L, 1, "rl", v2.get("reward_mean"), v2.get("accuracy"), 0.5, null, 12.0, 1.0 / 3,
        1.25e-4, 3.0e-4, -0.0625, 2.0, 4.0));
    assertThat(html).contains("<td class=\"num\">0.3333</td><td class=\"num\">1.250e-04</td>"
        + "<td class=\"num\">3.000e-04</td><td class=\"num\">-0.0625</td>");

    // every missing table is named in a "not available" line, escaped
    String evalPath = Html.escape(wh.table(Warehouse.EVAL_RESULTS));
    assertThat(html).contains("<h2 id=\"eval\">" + EvalSection.TITLE + "</h2>\n<p class=\"na\">not available: the"
        + " eval_results table does not exist at " + evalPath + " (no evaluation has run yet)</p>");
    assertThat(html).contains("not available: the metrics table has no rows for run &#39;a&lt;&amp;&gt;b-sft&#39;");
    assertThat(r.unavailable()).anyMatch(s -> s.contains("the hard_samples table does not exist"))
        .anyMatch(s -> s.contains("the rollouts table does not exist"))
        .anyMatch(s -> s.contains("the checkpoints table does not exist"))
        .noneMatch(s -> s.contains("could not be completed"));
    assertThat(html).contains("<td>quarantine</td><td></td><td></td><td>not created</td>");

    // an evaluation under the run's eval run appears after the next report, with an escaped checkpoint name
    WriteReportJobTest.evaluate(wh.root(), RUN + "-eval", "ckpt<1>&", WriteReportJobTest.mixedResponses(dir));
    WriteReportJob.Result again = new WriteReportJob(spark(), config(wh), wh).setRun(RUN).execute();
    String html2 = Files.readString(again.index(), StandardCharsets.UTF_8);
    assertThat(again.unavailable()).noneMatch(s -> s.contains("eval_results"));
    assertThat(html2).doesNotContain("ckpt<1>").contains("<th>ckpt&lt;1&gt;&amp;</th>")
        .contains(row("hotpotqa", 0.75)).contains(row("synth", 1.0 / 3)).contains(row("average", (0.75 + 1.0 / 3) / 2));
    assertThat(ReportAssertions.imagesDecode(html2, again.index().getParent()))
        .contains("accuracy-by-bucket.png", "eval-benchmarks.png");
  }

  @Test
  void unknownRunNamesTheRunsThatExist() {
    Warehouse empty = Warehouse.at(dir.resolve("empty").toString());
    assertThatThrownBy(() -> new WriteReportJob(spark(), config(empty), empty).setRun("nope").execute())
        .isInstanceOf(ReportException.class)
        .hasMessageContaining("Unknown run 'nope'")
        .hasMessageContaining("has no metrics, checkpoints or eval_results rows for any run");
    Warehouse wh = metricsOnly();
    assertThatThrownBy(() -> new WriteReportJob(spark(), config(wh), wh).setRun("nope").execute())
        .isInstanceOf(ReportException.class)
        .hasMessage("Unknown run 'nope': no rows in metrics, checkpoints or eval_results under " + wh.root()
            + ". Runs that exist: " + RUN + ".");
    assertThat(wh.dir("reports")).doesNotExist();
  }

  @Test
  void commandLineWritesTheReportOrFailsWithTheReason() throws Exception {
    Warehouse wh = metricsOnly();
    Path conf = dir.resolve("conf.yaml");
    Files.writeString(conf, "spark:\n  shuffle-partitions: 2\n");
    Path out = dir.resolve("out");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    int ok;
    int bad;
    try {
      ok = LongctxCli.execute("report", RUN, "--conf", conf.toString(), "--warehouse", wh.root().toString(),
          "--out", out.toString());
      bad = LongctxCli.execute("report", "nope", "--conf", conf.toString(), "--warehouse", wh.root().toString());
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    assertThat(ok).isZero();
    assertThat(out.resolve("index.html")).exists();
    List<String> lines = stdout.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).startsWith("{\"run\":\"a<&>b\",\"report\":\"" + out.resolve("index.html") + "\"")
        .contains("\"charts\":4");
    assertThat(stderr.toString(StandardCharsets.UTF_8))
        .contains("longctx report: not available: the eval_results table does not exist")
        .contains("longctx report: Unknown run 'nope'");
    assertThat(bad).isEqualTo(1);
  }
}
