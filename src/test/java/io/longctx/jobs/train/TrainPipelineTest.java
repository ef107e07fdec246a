package io.longctx.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.longctx.jobs.TrainPolicyJob;
import io.longctx.jobs.WarmupSftJob;
import io.longctx.jobs.Warehouse;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.policy.tokenizer.HuggingFaceTokenizers;
import io.longctx.policy.tokenizer.Tokenizer;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SFT then phased RL on a tiny model, in two invocations (a nightly step budget), over real Delta tables. */
class TrainPipelineTest extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void sftThenTwoInvocationsOfRlCommitEveryStepOnce() {
    Map<String, String> sets = TinyRuns.overrides(dir, "tiny");
    sets.put("train.steps-per-invocation", "3");
    LongctxConfig config = ConfigLoader.load(null, sets);
    Warehouse wh = Warehouse.at(dir.toString());
    TinyRuns.writeSamples(spark(), wh.table(Warehouse.SAMPLES));

    WarmupSftJob.Result sft = new WarmupSftJob(spark(), config, wh).execute();
    assertThat(sft.examples()).isEqualTo(6); // only the short prompts fit phase 1
    assertThat(sft.lastEpoch()).isEqualTo(1);
    assertThat(Path.of(sft.checkpoint()).resolve("model.safetensors")).exists();

    TrainPolicyJob.Result first =
        new TrainPolicyJob(spark(), config, wh).optStartCheckpoint(Path.of(sft.checkpoint())).execute();
    assertThat(first.firstStep()).isEqualTo(1);
    assertThat(first.lastStep()).isEqualTo(3);
    assertThat(first.finished()).isFalse();
    TrainPolicyJob.Result second = new TrainPolicyJob(spark(), config, wh).execute();
    assertThat(second.firstStep()).isEqualTo(4);
    assertThat(second.lastStep()).isEqualTo(4);
    assertThat(second.finished()).isTrue();
    TrainPolicyJob.Result third = new TrainPolicyJob(spark(), config, wh).execute();
    assertThat(third.lastStep()).isEqualTo(4); // nothing left to do

    Dataset<Row> checkpoints = read(wh, Warehouse.CHECKPOINTS).where("run = 'tiny'").orderBy("step");
    List<Row> commits = checkpoints.collectAsList();
    assertThat(commits).extracting(r -> r.<Long>getAs("step")).containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(commits.get(0).<String>getAs("checkpoint_path")).isEqualTo(sft.checkpoint());
    assertThat(commits).extracting(r -> r.<Integer>getAs("phase")).containsExactly(0, 1, 1, 2, 2);
    for (int i = 1; i < commits.size(); i++) {
      assertThat(commits.get(i).<String>getAs("parent_checkpoint"))
          .isEqualTo(commits.get(i - 1).<String>getAs("checkpoint_path"));
      Path ckpt = Path.of(commits.get(i).<String>getAs("checkpoint_path"));
      assertThat(ckpt.resolve(PolicyState.OPTIMIZER_FILE)).exists();
      // a complete Hugging Face model directory: the run's tokenizer as tokenizer.json, read by the Rust library
      try (Tokenizer hf = HuggingFaceTokenizers.open(ckpt);
          Tokenizer run = new TokenizerSpec(config.policy().tokenizer()).open()) {
        assertThat(hf.encode("Code of Kal3?")).isEqualTo(run.encode("Code of Kal3?"));
      }
      // each step reads the ledger version the previous step left
      assertThat(commits.get(i).<Long>getAs("hard_samples_version_read"))
          .isEqualTo(commits.get(i - 1).<Long>getAs("hard_samples_version"));
    }

    // RL starts a fresh AdamW on the SFT weights (verl): step 1's optimizer has taken exactly step 1's updates,
    // not SFT's plus them; later steps resume the state their parent saved
    long sftUpdates = optimizerSteps(Path.of(sft.checkpoint()));
    assertThat(sftUpdates).isPositive();
    List<Row> perStep = read(wh, Warehouse.METRICS).where("run = 'tiny'").orderBy("step").collectAsList();
    long expected = 0;
    for (int i = 1; i < commits.size(); i++) {
      expected += Math.round(perStep.get(i - 1).<Double>getAs("updates"));
      assertThat(optimizerSteps(Path.of(commits.get(i).<String>getAs("checkpoint_path"))))
          .as("optimizer steps after RL step %d", i).isEqualTo(expected);
    }

    Dataset<Row> metrics = read(wh, Warehouse.METRICS).where("run = 'tiny'");
    assertThat(metrics.count()).isEqualTo(4);
    assertThat(metrics.where("time_total_s > 0 AND groups >= 2").count()).isEqualTo(4);
    // extra_batches counts the batches drawn beyond the first (train.max-extra-batches = 1 here); each holds at
    // most batch-size (2) prompts
    assertThat(metrics.where("extra_batches < 0 OR extra_batches > 1").count()).isZero();
    assertThat(metrics.where("groups > (extra_batches + 1) * 2").count()).isZero();
    assertThat(read(wh, Warehouse.METRICS).where("run = 'tiny-sft' AND kind = 'sft'").count()).isEqualTo(1);

    Dataset<Row> rollouts = read(wh, Warehouse.ROLLOUTS).where("run = 'tiny'");
    // G = 2 responses per prompt, no duplicated (step, sample, attempt, response) rows
    assertThat(rollouts.groupBy("step", "sample_id", "attempt", "response_index").count().where("count > 1").count())
        .isZero();
    assertThat(rollouts.groupBy("step", "sample_id").count().where("count % 2 <> 0").count()).isZero();
    // phase 1 rolled out only short prompts (apart from none: retrospective picks start in phase 2)
    assertThat(rollouts.where("phase = 1 AND prompt_tokens > 90").count()).isZero();
    assertThat(rollouts.where("phase = 2 AND pick = 'fresh' AND prompt_tokens <= 90").count()).isZero();
    // rewards and advantages are there, advantages sum to ~0 within kept groups
    Row adv = rollouts.where("kept").groupBy("step", "sample_id")
        .agg(functions.abs(functions.sum("advantage")).as("s")).agg(functions.max("s")).first();
    if (!adv.isNullAt(0)) {
      assertThat(adv.getDouble(0)).isLessThan(1e-6);
    }
    Dataset<Row> ledger = read(wh, Warehouse.HARD_SAMPLES).where("run = 'tiny'");
    assertThat(ledger.count()).isEqualTo(rollouts.select("sample_id").distinct().count());
    assertThat(ledger.agg(functions.sum("responses")).first().getLong(0)).isEqualTo(rollouts.count());
  }

  private static long optimizerSteps(Path checkpoint) {
    return Long.parseLong(io.longctx.policy.safetensors.SafetensorsReader.open(
        checkpoint.resolve(PolicyState.OPTIMIZER_FILE)).metadata().get("step"));
  }

  private Dataset<Row> read(Warehouse wh, String table) {
    return spark().read().format("delta").load(wh.table(table));
  }
}
