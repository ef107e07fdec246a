package io.longctx.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.longctx.jobs.TrainPolicyJob;
import io.longctx.jobs.Warehouse;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.policy.train.EntropyControl;
import io.longctx.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AEPO in the training job: the gate's state is written with every checkpoint and a new invocation (a resumed or
 * nightly run) continues from it, not from an open gate; the metrics row records it. (The tiny model's groups
 * rarely vary, so its batches are often empty: an empty batch holds the gate, which this test uses.)
 */
class AepoResumeTest extends SparkTestBase {
  @TempDir Path dir;

  private LongctxConfig config(String run, int stepsPerInvocation) {
    Map<String, String> sets = TinyRuns.overrides(dir, run);
    sets.put("train.steps-per-invocation", String.valueOf(stepsPerInvocation));
    // bounds no batch entropy crosses: the gate keeps whatever state it starts a step with
    sets.put("optim.aepo", "{enabled: true, entropy-low: 0.0, entropy-high: 1000.0}");
    sets.put("optim.negative-clip", "{mode: high-entropy-tokens, quantile: 0.8}");
    return ConfigLoader.load(null, sets);
  }

  @Test
  void theGateStateTravelsWithTheCheckpointAcrossInvocations() {
    Warehouse wh = Warehouse.at(dir.toString());
    TinyRuns.writeSamples(spark(), wh.table(Warehouse.SAMPLES));
    // a start checkpoint whose step closed the gate (as a step above entropy-high leaves it: EntropyControlTest)
    Path closedStart = PolicyState.initial(config("a", 1), 3L, dir.resolve("start-closed"));
    EntropyControlState.write(closedStart, new EntropyControl.AepoState(true));
    Path openStart = PolicyState.initial(config("b", 1), 3L, dir.resolve("start-open"));

    // run a: two invocations of one step each (the second resumes from step 1's checkpoint in a new job)
    new TrainPolicyJob(spark(), config("a", 1), wh).optStartCheckpoint(closedStart).execute();
    new TrainPolicyJob(spark(), config("a", 1), wh).execute();
    new TrainPolicyJob(spark(), config("b", 1), wh).optStartCheckpoint(openStart).execute();
    for (long step = 1; step <= 2; step++) {
      assertThat(EntropyControlState.read(checkpoint(wh, "a", step)).negativesMasked()).as("a %d", step).isTrue();
      assertThat(metrics(wh, "a", step).<Double>getAs("aepo_negatives_masked")).isEqualTo(1.0);
    }
    assertThat(EntropyControlState.read(checkpoint(wh, "b", 1))).isEqualTo(EntropyControl.AepoState.OPEN);
    assertThat(metrics(wh, "b", 1).<Double>getAs("aepo_negatives_masked")).isEqualTo(0.0);
    assertThat(EntropyControlState.read(dir.resolve("no-such-checkpoint"))).isEqualTo(EntropyControl.AepoState.OPEN);
  }

  private org.apache.spark.sql.Dataset<Row> read(Warehouse wh, String table) {
    return spark().read().format("delta").load(wh.table(table));
  }

  private Row metrics(Warehouse wh, String run, long step) {
    List<Row> rows = read(wh, Warehouse.METRICS)
        .where("run = '" + run + "' and step = " + step + " and kind = 'rl'").collectAsList();
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  private Path checkpoint(Warehouse wh, String run, long step) {
    return Path.of(read(wh, Warehouse.CHECKPOINTS).where("run = '" + run + "' and step = " + step)
        .first().<String>getAs("checkpoint_path"));
  }
}
