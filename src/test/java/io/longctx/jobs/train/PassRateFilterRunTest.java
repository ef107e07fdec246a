package io.longctx.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.delta.tables.DeltaTable;
import io.longctx.curriculum.StepBatch;
import io.longctx.jobs.ScoreDifficultyJob;
import io.longctx.jobs.TrainPolicyJob;
import io.longctx.jobs.Warehouse;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.rewards.HybridReward;
import io.longctx.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The difficulty job's table (rows, idempotence) and a tiny RL run with the pass-rate filter; the wasted share. */
class PassRateFilterRunTest extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void wastedRolloutShareCountsRolloutsOfZeroVarianceGroupsOverAllAttempts() {
    StructType schema = new StructType()
        .add("sample_id", DataTypes.StringType).add("pick", DataTypes.StringType)
        .add(HybridReward.REWARD, DataTypes.DoubleType).add(HybridReward.SHAPED_REWARD, DataTypes.DoubleType)
        .add("response_tokens", DataTypes.IntegerType).add("kept", DataTypes.BooleanType)
        .add("attempt", DataTypes.IntegerType);
    List<Row> rows = new ArrayList<>();
    // attempt 0: a (all correct, dropped) and b (mixed, kept), 4 responses each; attempt 1 (the extra batch): c
    // (all wrong, dropped) with 4 responses: 8 of 12 rollouts are wasted
    double[][] rewards = {{1, 1, 1, 1}, {1, 0, 0, 1}, {0, 0, 0, 0}};
    String[] ids = {"a", "b", "c"};
    for (int s = 0; s < 3; s++) {
      for (double r : rewards[s]) {
        rows.add(RowFactory.create(ids[s], StepBatch.FRESH, r, r, 5, s == 1, s == 2 ? 1 : 0));
      }
    }
    Row summary = RlStep.summary(spark().createDataFrame(rows, schema));
    assertThat(summary.<Double>getAs("wasted_rollout_share")).isCloseTo(8.0 / 12, within(1e-12));
    assertThat(summary.<Double>getAs("kept_groups")).isEqualTo(1.0);
    assertThat(TrainTables.METRICS).contains("wasted_rollout_share");
  }

  @Test
  void difficultyTableIsIdempotentAndTheFilteredRunNeverRollsOutDroppedSamples() {
    Map<String, String> sets = TinyRuns.overrides(dir, "filt");
    sets.put("curriculum.pass-rate-filter.enabled", "true");
    sets.put("curriculum.pass-rate-filter.k", "2");
    LongctxConfig config = ConfigLoader.load(null, sets);
    Warehouse wh = Warehouse.at(dir.toString());
    TinyRuns.writeSamples(spark(), wh.table(Warehouse.SAMPLES));
    Path start = PolicyState.initial(config, config.train().seed(), dir.resolve("start"));

    ScoreDifficultyJob.Result first = new ScoreDifficultyJob(spark(), config, wh).optPolicy(start).optChunk(5)
        .execute();
    String table = wh.table(Warehouse.SAMPLE_DIFFICULTY);
    assertThat(first.scored()).isEqualTo(12); // every sample is within the phases' caps (90 and 400 tokens)
    assertThat(first.policyVersion()).isEqualTo("external");
    List<Row> rows = spark().read().format("delta").load(table).orderBy("sample_id").collectAsList();
    assertThat(rows).hasSize(12);
    Map<String, Double> rates = new TreeMap<>();
    for (Row r : rows) {
      assertThat(r.<Integer>getAs("k")).isEqualTo(2);
      assertThat(r.<Double>getAs("pass_rate")).isBetween(0.0, 1.0);
      assertThat(r.<Double>getAs("mean_response_tokens")).isBetween(1.0, 6.0);
      assertThat(r.<String>getAs("policy_checkpoint")).isEqualTo(start.toAbsolutePath().toString());
      assertThat(r.<Long>getAs("samples_version")).isEqualTo(0L);
      assertThat(r.<String>getAs("data_source")).isEqualTo("synth_retrieval");
      assertThat(r.<Object>getAs("scored_at")).isNotNull();
      rates.put(r.getAs("sample_id"), r.getAs("pass_rate"));
    }
    // a finished job does nothing; --rescore replaces the policy's rows with the same values (seeded sampling)
    ScoreDifficultyJob.Result again = new ScoreDifficultyJob(spark(), config, wh).optPolicy(start).execute();
    assertThat(again.scored()).isZero();
    assertThat(again.skipped()).isEqualTo(12);
    assertThat(again.version()).isEqualTo(first.version());
    new ScoreDifficultyJob(spark(), config, wh).optPolicy(start).optRescore(true).execute();
    Map<String, Double> rescored = new TreeMap<>();
    for (Row r : spark().read().format("delta").load(table).collectAsList()) {
      rescored.put(r.getAs("sample_id"), r.getAs("pass_rate"));
    }
    assertThat(rescored).isEqualTo(rates);
    assertThat(ScoreDifficultyJob.hasRows(spark(), wh, start)).isTrue();

    // the start policy solves s00-s02 every time (set by hand): the filter's default band [0, 1) drops them
    DeltaTable.forPath(spark(), table).updateExpr("sample_id IN ('s00', 's01', 's02')", Map.of("pass_rate", "1.0"));
    long dv = DeltaTable.forPath(spark(), table).history(1).first().getLong(0);
    new TrainPolicyJob(spark(), config, wh).optStartCheckpoint(start).execute();

    Row step0 = spark().read().format("delta").load(wh.table(Warehouse.CHECKPOINTS))
        .where("run = 'filt' AND step = 0").first();
    assertThat(step0.<Long>getAs("difficulty_version")).isEqualTo(dv);
    List<String> rolledOut = new ArrayList<>();
    for (Row r : spark().read().format("delta").load(wh.table(Warehouse.ROLLOUTS)).where("run = 'filt'")
        .select("sample_id").distinct().collectAsList()) {
      rolledOut.add(r.getString(0));
    }
    assertThat(rolledOut).isNotEmpty().doesNotContain("s00", "s01", "s02");
    // the ledger started from the rates: every scored sample has a step-0 attempt of k = 2 responses
    Dataset<Row> ledger = spark().read().format("delta").load(wh.table(Warehouse.HARD_SAMPLES))
        .where("run = 'filt'");
    assertThat(ledger.count()).isEqualTo(12);
    assertThat(ledger.where("step_first_seen = 0").count()).isEqualTo(12);
    assertThat(ledger.where("sample_id = 's00'").first().<Double>getAs("last_mean_reward")).isEqualTo(1.0);
    List<Row> metrics = spark().read().format("delta").load(wh.table(Warehouse.METRICS)).where("run = 'filt'")
        .orderBy("step").collectAsList();
    assertThat(metrics).hasSize(4);
    for (Row m : metrics) {
      double kept = m.<Double>getAs("kept_group_fraction");
      assertThat(m.<Double>getAs("wasted_rollout_share")).isBetween(0.0, 1.0);
      if (kept == 0.0) {
        assertThat(m.<Double>getAs("wasted_rollout_share")).isEqualTo(1.0);
      }
    }
  }
}
