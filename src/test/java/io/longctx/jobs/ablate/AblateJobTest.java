package io.longctx.jobs.ablate;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longctx.jobs.Warehouse;
import io.longctx.testing.SparkTestBase;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orchestration end to end with a tiny model and data (real synth, curate, SFT, RL, eval on Spark and Delta):
 * runs and names, the shared data and SFT, skipping finished runs, and the files written.
 */
class AblateJobTest extends SparkTestBase {
  @TempDir Path dir;

  Path base() throws Exception {
    Files.copy(Path.of("conf/ablate.yaml"), dir.resolve("base.yaml"));
    Files.createDirectories(dir.resolve("ablations"));
    Files.writeString(dir.resolve("ablations/full.yaml"), "{}\n");
    Files.writeString(dir.resolve("ablations/no-sft.yaml"), "sft: {enabled: false}\n");
    Files.writeString(dir.resolve("ablations/pass-rate.yaml"), "curriculum: {retrospective: {enabled: false},"
        + " pass-rate-filter: {enabled: true, min: 0.0, max: 0.99, k: 2}}\n");
    return dir.resolve("base.yaml");
  }

  Map<String, String> tiny() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("warehouse", dir.resolve("wh").toString());
    m.put("spark.shuffle-partitions", "2");
    m.put("synth.samples", "40");
    m.put("synth.heldout-samples", "8");
    m.put("policy.embedded", "{hidden-size: 32, layers: 1, attention-heads: 2, kv-heads: 1, intermediate-size: 64,"
        + " rope-theta: 10000.0}");
    m.put("sft.epochs", "1");
    m.put("sft.batch-size", "8");
    m.put("sft.warmup-steps", "0");
    m.put("curriculum.phases", "[{name: p1, min-input-tokens: 112, max-input-tokens: 768, max-response-tokens: 6,"
        + " steps: 2}]");
    m.put("train.group-size", "2");
    m.put("train.batch-size", "2");
    m.put("train.max-extra-batches", "0");
    m.put("train.rollout-row-budget", "4");
    m.put("train.steps-per-invocation", "1"); // the job invokes train until the curriculum is done
    m.put("optim.mini-batch-size", "4");
    m.put("optim.micro-batch-size", "4");
    m.put("eval.max-new-tokens", "6");
    return m;
  }

  Set<String> runs(String table) {
    Set<String> out = new TreeSet<>();
    for (Row r : spark().read().format("delta").load(dir.resolve("wh").resolve(table).toString()).select("run")
        .distinct().collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }

  @Test
  void runsConfigsTimesSeedsSharesDataAndSftAndSkipsFinishedRuns() throws Exception {
    Path base = base();
    AblationPlan first = AblationPlan.of(base, List.of("full"), 1, tiny(), null);
    String sft1 = first.runs().get(0).sftRun();
    AblateJob.Result r1 = new AblateJob(spark(), first).execute();
    assertThat(r1.ran()).containsExactly("abl-full-s1");
    assertThat(r1.skipped()).isEmpty();
    assertThat(r1.seconds().get("abl-full-s1")).containsKeys("sft", "train", "eval", "total");
    assertThat(runs(Warehouse.CHECKPOINTS)).containsExactly("abl-full-s1", sft1);
    assertThat(runs(Warehouse.EVAL_RESULTS)).containsExactly("abl-full-s1-eval", sft1 + "-eval");
    assertThat(dir.resolve("wh/ablate/data.json")).exists();
    assertThat(dir.resolve("wh/ablate/runs/abl-full-s1.json")).exists();
    // the RL run ran its two steps (two train invocations: steps-per-invocation 1)
    long steps = spark().read().format("delta").load(dir.resolve("wh/checkpoints").toString())
        .where(col("run").equalTo("abl-full-s1").and(col("step").gt(0))).count();
    assertThat(steps).isEqualTo(2);
    AblationSummary s1 = r1.summary();
    assertThat(s1.rows()).extracting(AblationSummary.ConfigRow::config).containsExactly("full", "sft-only");
    assertThat(s1.rows()).allSatisfy(r -> assertThat(r.n()).isEqualTo(1));
    // the base mix has two tasks: one column per data_source after the length buckets, items adding up
    assertThat(s1.buckets()).containsSubsequence("(0, 192]", "(192, 384]", "(384, 768]", "synth_retrieval",
        "synth_retrieval_distractors", "all");
    assertThat(s1.items().get("all")).isEqualTo(8L);
    assertThat(s1.items().get("synth_retrieval") + s1.items().get("synth_retrieval_distractors")).isEqualTo(8L);
    assertThat(s1.rows().get(0).accuracy().get("synth_retrieval_distractors").n()).isEqualTo(1);
    assertThat(s1.markdown()).contains("synth_retrieval_distractors (");
    // the training side: each finished run's mean wasted-rollout share, per config (the SFT row has none)
    assertThat(s1.wasted()).containsOnlyKeys("full");
    assertThat(s1.wasted().get("full").n()).isEqualTo(1);
    assertThat(s1.wasted().get("full").mean()).isBetween(0.0, 1.0);
    assertThat(s1.markdown()).contains("| wasted share |");

    // a second invocation: seed 1 of full is finished (skipped); pass-rate shares its SFT (no new SFT run, no new
    // SFT evaluation) and scores the SFT checkpoint's pass rates before its RL
    AblationPlan second = AblationPlan.of(base, List.of("full", "pass-rate"), 1, tiny(), null);
    assertThat(second.runs().get(1).sftRun()).isEqualTo(sft1);
    AblateJob.Result r2 = new AblateJob(spark(), second).execute();
    assertThat(r2.skipped()).containsExactly("abl-full-s1");
    assertThat(r2.ran()).containsExactly("abl-pass-rate-s1");
    assertThat(r2.seconds().get("abl-pass-rate-s1")).containsKey("difficulty");
    String sftCheckpoint = spark().read().format("delta").load(dir.resolve("wh/checkpoints").toString())
        .where(col("run").equalTo(sft1)).orderBy(col("step").desc()).first().getAs("checkpoint_path");
    assertThat(spark().read().format("delta").load(dir.resolve("wh/sample_difficulty").toString())
        .where(col("policy_checkpoint").equalTo(sftCheckpoint)).count()).isPositive();
    assertThat(runs(Warehouse.CHECKPOINTS)).filteredOn(r -> r.endsWith("-sft")).containsExactly(sft1);
    assertThat(runs(Warehouse.EVAL_RESULTS)).containsExactly("abl-full-s1-eval", "abl-pass-rate-s1-eval",
        sft1 + "-eval");
    AblationSummary s2 = r2.summary();
    assertThat(s2.rows()).extracting(AblationSummary.ConfigRow::config)
        .containsExactly("full", "pass-rate", "sft-only");
    assertThat(s2.rows()).allSatisfy(r -> assertThat(r.n()).isEqualTo(1));
    assertThat(s2.rows().get(0).runs()).containsExactly("abl-full-s1-eval");
    assertThat(s2.rows().get(0).accuracy().get("all").values())
        .isEqualTo(s1.rows().get(0).accuracy().get("all").values());

    // another base setting on the same warehouse is refused before anything runs
    Map<String, String> other = tiny();
    other.put("synth.samples", "41");
    AblationPlan changed = AblationPlan.of(base, List.of("full"), 2, other, null);
    assertThatThrownBy(() -> new AblateJob(spark(), changed).execute())
        .hasMessageContaining("synth.samples differs").hasMessageContaining("another --warehouse");

    // summary only: runs nothing, same numbers; the files
    AblateJob job = new AblateJob(spark(), second).optSummaryOnly(true);
    AblateJob.Result r3 = job.execute();
    assertThat(r3.ran()).isEmpty();
    assertThat(r3.summary().text()).isEqualTo(s2.text());
    assertThat(job.recordedSeconds()).containsOnlyKeys("abl-full-s1", "abl-pass-rate-s1");
    Path out = dir.resolve("out");
    Path page = AblationOutputs.write(out, second, r3.summary(), job.recordedSeconds(), base);
    String html = Files.readString(page);
    assertThat(html).contains("accuracy-ci.png").contains("abl-pass-rate-s1-eval").contains("pass-rate: ");
    BufferedImage png = ImageIO.read(out.resolve("accuracy-ci.png").toFile());
    assertThat(png.getWidth()).isPositive();
    assertThat(Files.readString(out.resolve("results.md"))).contains(s2.markdown());
    assertThat(Files.readString(out.resolve("summary.json"))).contains("\"ci95_half_width\"")
        .contains("\"abl-pass-rate-s1\"");
  }
}
