package io.longctx.jobs.report;

import static io.longctx.jobs.report.ReportAssertions.cells;
import static io.longctx.jobs.report.ReportAssertions.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.longctx.jobs.EvaluateCheckpointJob;
import io.longctx.jobs.TrainPolicyJob;
import io.longctx.jobs.Warehouse;
import io.longctx.jobs.WarmupSftJob;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.jobs.train.TinyRuns;
import io.longctx.testing.SparkTestBase;
import io.longctx.transforms.eval.ResponseScorer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real tiny run (curated samples, warm-up SFT, four phased RL steps, two evaluations of its checkpoints with
 * replayed responses) and the report over its Delta tables: every section is there, every chart decodes at the
 * size the page states, and the numbers in the page are the ones in the tables.
 */
class WriteReportJobTest extends SparkTestBase {
  @TempDir Path dir;

  static Path layout(String relative) {
    try {
      return Path.of(WriteReportJobTest.class.getResource("/eval-layouts/" + relative).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static String resp(String bench, String item, int s, String answer) {
    String text = answer == null ? "I am not sure." : "<think>\\nreasoning\\n</think>\\n\\n" + answer;
    return "{\"benchmark\":\"" + bench + "\",\"item_id\":\"" + item + "\",\"sample_index\":" + s + ",\"response\":\""
        + text + "\"}";
  }

  /** Per item c of 2 correct: hotpotqa 1 and 2 (mean@2 0.75), synth 1, 1, 0 (mean@2 1/3); 5 of 10 responses. */
  static Path mixedResponses(Path dir) throws Exception {
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

  static Path allCorrect(Path dir) throws Exception {
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

  /** Evaluates {@code checkpoint} under eval run {@code evalRun} with the responses of {@code responses}. */
  static void evaluate(Path wh, String evalRun, String checkpoint, Path responses) {
    Map<String, String> o = new java.util.LinkedHashMap<>();
    o.put("warehouse", wh.toString());
    o.put("eval.run", evalRun);
    o.put("eval.checkpoint", checkpoint);
    o.put("eval.benchmarks", "{hotpotqa: [" + layout("longbench/hotpotqa.jsonl") + "], synth: ["
        + layout("synth/heldout.jsonl") + "]}");
    o.put("eval.samples-per-item", "2");
    o.put("eval.max-input-tokens", "4096");
    o.put("eval.responses", responses.toString());
    LongctxConfig c = ConfigLoader.load(null, o);
    new EvaluateCheckpointJob(spark(), c, Warehouse.at(c.warehouse()), ResponseScorer.hybrid(c.rewards())).execute();
  }

  @Test
  void reportsEverySectionOfARealRunWithTheTablesNumbers() throws Exception {
    Path whDir = dir.resolve("wh");
    LongctxConfig config = TinyRuns.config(whDir, "tiny");
    Warehouse wh = Warehouse.at(whDir.toString());
    TinyRuns.writeSamples(spark(), wh.table(Warehouse.SAMPLES));
    WarmupSftJob.Result sft = new WarmupSftJob(spark(), config, wh).execute();
    TrainPolicyJob.Result rl = new TrainPolicyJob(spark(), config, wh).optStartCheckpoint(Path.of(sft.checkpoint()))
        .execute();
    assertThat(rl.lastStep()).isEqualTo(4);
    evaluate(whDir, "tiny-eval", sft.checkpoint(), mixedResponses(dir));
    evaluate(whDir, "tiny-eval", rl.checkpoint(), allCorrect(dir));

    WriteReportJob.Result r = new WriteReportJob(spark(), config, wh).setRun("tiny").execute();
    assertThat(r.index()).isEqualTo(whDir.toAbsolutePath().resolve("reports/report/tiny/index.html"));
    assertThat(r.unavailable()).isEmpty();
    String html = Files.readString(r.index(), StandardCharsets.UTF_8);
    ReportAssertions.balanced(html);
    for (String title : List.of(TrainingSection.TITLE, AccuracySection.TITLE, HardSampleSection.TITLE,
        EvalSection.TITLE, ProvenanceSection.TITLE)) {
      assertThat(html).contains(">" + title + "</h2>");
    }
    assertThat(ReportAssertions.imagesDecode(html, r.index().getParent())).containsExactlyInAnyOrder(
        "curves.png", "time-breakdown.png", "sft-loss.png", "accuracy-by-bucket.png", "accuracy-per-phase.png",
        "hard-samples.png", "eval-benchmarks.png");
    assertThat(r.charts()).hasSize(7).allMatch(Files::exists);

    // the per-step table holds step 1's metrics row as stored
    Row m1 = metrics(wh, "tiny", 1);
    Object[] step1 = new Object[3 + TrainingSection.TABLE.size()];
    step1[0] = 1L;
    step1[1] = 1;
    step1[2] = "rl";
    for (int i = 0; i < TrainingSection.TABLE.size(); i++) {
      step1[3 + i] = m1.isNullAt(m1.fieldIndex(TrainingSection.TABLE.get(i))) ? null
          : m1.<Double>getAs(TrainingSection.TABLE.get(i));
    }
    assertThat(html).contains(row(step1));
    Row sft1 = metrics(wh, "tiny-sft", 1);
    assertThat(html).contains(row(1L, sft1.<Double>getAs("loss"), sft1.<Double>getAs("grad_norm"),
        sft1.<Double>getAs("lr"), sft1.<Double>getAs("groups"), sft1.<Double>getAs("time_total_s")));

    // eval: mean@k per benchmark for the SFT checkpoint (mixed) then the last RL checkpoint (all correct)
    assertThat(html).contains(row("hotpotqa", 0.75, 1.0)).contains(row("synth", 1.0 / 3, 1.0))
        .contains(row("average", (0.75 + 1.0 / 3) / 2, 1.0));
    assertThat(html).contains("<tr>" + cells("sft epoch 1", "hotpotqa", 2L, 2L, 0.75, 0.75, 1.0, 0.75));
    // accuracy per checkpoint: the "all" column is the mean over the 10 responses, then the response count
    assertThat(html).contains("<tr><td>sft epoch 1</td><td>warm-up SFT</td>").contains(cells(0.5, 10L) + "</tr>");
    assertThat(html).contains("<tr><td>long step 4</td><td>2 (long)</td>").contains(cells(1.0, 10L) + "</tr>");

    // hard samples: the ledger read back at step 4's MERGE version agrees with the counts the step recorded
    Row m4 = metrics(wh, "tiny", 4);
    long v4 = spark().read().format("delta").load(wh.table(Warehouse.CHECKPOINTS))
        .where("run = 'tiny' AND step = 4").first().<Long>getAs("hard_samples_version");
    assertThat(html).contains("<tr>" + cells(v4, 4L, m4.<Double>getAs("ledger_rows").longValue(),
        m4.<Double>getAs("hard_samples").longValue()));

    // provenance: table versions, commit records, config
    long metricsVersion = DeltaTable.forPath(spark(), wh.table(Warehouse.METRICS)).history(1).first().getLong(0);
    assertThat(html).contains("<tr><td>metrics</td>" + cells(metricsVersion));
    assertThat(html).contains("<td>" + Html.escape(rl.checkpoint()) + "</td>");
    assertThat(html).contains("group-size: 2");
  }

  private Row metrics(Warehouse wh, String run, long step) {
    return spark().read().format("delta").load(wh.table(Warehouse.METRICS))
        .where("run = '" + run + "' AND step = " + step).first();
  }
}
