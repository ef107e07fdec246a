package io.longctx.curriculum;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max_by;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.longctx.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetrospectiveSamplerTest extends SparkTestBase {
  @TempDir Path dir;

  private static CurriculumConfig config(String mode, double share) {
    return new CurriculumConfig(
        5L,
        false,
        List.of(new CurriculumConfig.Phase("p1", 100, 16, 2), new CurriculumConfig.Phase("p2", 200, 32, 2)),
        new CurriculumConfig.Retrospective(true, mode, share, 10.0));
  }

  /** The simulated policy: phase-1 samples with index % 4 != 0 are never solved (mean accuracy 0). */
  private static double phase1Reward(String id) {
    return Integer.parseInt(id.substring(3)) % 4 == 0 ? 0.5 : 0.0;
  }

  static Dataset<Row> statsOf(StepBatch batch, Map<String, Double> rewardById) {
    Dataset<Row> picks = batch.rows().select("sample_id", "pick");
    List<Row> rows = new ArrayList<>();
    for (Row r : picks.collectAsList()) {
      rows.add(RowFactory.create(r.getString(0), rewardById.get(r.getString(0)), 8, r.getString(1)));
    }
    StructType schema =
        new StructType()
            .add("sample_id", DataTypes.StringType)
            .add("mean_reward", DataTypes.DoubleType)
            .add("responses", DataTypes.IntegerType)
            .add("pick", DataTypes.StringType);
    return spark().createDataFrame(rows, schema);
  }

  @Test
  void zeroAccuracySamplesOfPhaseOneEnterPhaseTwoAndAreLogged() {
    String samples = SampleTables.write(dir.resolve("samples").toString(), SampleTables.rows(10), 2);
    String hard = dir.resolve("hard_samples").toString();
    BatchSelector sel = BatchSelector.fromConfig(config("zero-accuracy", 0.5), samples, hard, "run-a", 4);
    HardSampleLedger ledger = new HardSampleLedger(hard);

    Set<String> zeroInPhase1 = new HashSet<>();
    for (int step = 1; step <= 2; step++) {
      StepBatch b = sel.select(spark(), step);
      assertThat(b.retrospectiveCount()).as("no earlier phase to carry from").isZero();
      Map<String, Double> rewards = new HashMap<>();
      for (String id : b.sampleIds()) {
        rewards.put(id, phase1Reward(id));
        if (phase1Reward(id) == 0.0) {
          zeroInPhase1.add(id);
        }
      }
      ledger.merge(statsOf(b, rewards), "run-a", 1, step, "ckpt-" + (step - 1));
    }
    assertThat(zeroInPhase1).hasSizeGreaterThanOrEqualTo(4);

    StepBatch step3 = sel.select(spark(), 3);
    assertThat(step3.at().phase().number()).isEqualTo(2);
    assertThat(step3.hardSamplesVersion()).isEqualTo(ledger.latestVersion(spark()));
    assertThat(step3.retrospectiveCount()).isEqualTo(2);
    assertThat(step3.freshCount()).isEqualTo(2);
    assertThat(zeroInPhase1).containsAll(step3.retrospectiveIds());
    List<Row> rows = step3.rows().orderBy("batch_index").collectAsList();
    for (Row r : rows) {
      boolean retro = StepBatch.RETROSPECTIVE.equals(r.getAs("pick"));
      int tokens = r.getAs("prompt_tokens");
      assertThat(retro ? tokens <= 100 : tokens > 100 && tokens <= 200).as("row %s", r).isTrue();
    }

    // the policy now half-solves the carried-over samples; the ledger logs the retrospective attempt
    Map<String, Double> rewards3 = new HashMap<>();
    for (StepBatch.Pick p : step3.picks()) {
      rewards3.put(p.sampleId(), p.pick().equals(StepBatch.RETROSPECTIVE) ? 0.25 : 1.0);
    }
    ledger.merge(statsOf(step3, rewards3), "run-a", 2, 3, "ckpt-2");
    // a job killed after this merge re-runs step 3: it must choose the same batch from the same ledger state
    StepBatch rerun3 = sel.select(spark(), 3);
    assertThat(rerun3.hardSamplesVersion()).isEqualTo(step3.hardSamplesVersion());
    assertThat(rerun3.picks()).isEqualTo(step3.picks());
    Map<String, Row> logged = HardSampleLedgerTest.byId(ledger.read(spark()));
    for (String id : step3.retrospectiveIds()) {
      Row r = logged.get("run-a/" + id);
      assertThat(r.<Long>getAs("retrospective_attempts")).isEqualTo(1L);
      assertThat(r.<Long>getAs("attempts")).isEqualTo(2L);
      assertThat(r.<Integer>getAs("phase_first_seen")).isEqualTo(1);
      assertThat(r.<Integer>getAs("phase_last_seen")).isEqualTo(2);
      assertThat(r.<Long>getAs("step_last_seen")).isEqualTo(3L);
      assertThat(r.<Double>getAs("last_mean_reward")).isEqualTo(0.25);
      assertThat(r.<Double>getAs("running_mean_reward")).isEqualTo(0.125);
      assertThat(r.<Double>getAs("difficulty")).isEqualTo(4.0);
    }
    // no longer at zero accuracy: step 4 carries over other zero-accuracy samples
    StepBatch step4 = sel.select(spark(), 4);
    assertThat(step4.retrospectiveIds()).hasSize(2).doesNotContainAnyElementsOf(step3.retrospectiveIds());
    assertThat(zeroInPhase1).containsAll(step4.retrospectiveIds());
    assertThat(step4.sampleIds()).doesNotHaveDuplicates();
    // replaying step 3 from its pinned versions gives back exactly its batch
    assertThat(sel.replay(spark(), 3, step3.samplesVersion(), step3.hardSamplesVersion()).picks())
        .isEqualTo(step3.picks());
    // the ablation: no retrospective picks at all
    BatchSelector none =
        BatchSelector.builder().setCurriculum(Curriculum.of(config("zero-accuracy", 0.5))).setSamplesPath(samples)
            .setHardSamplesPath(hard).setRun("run-a").setSeed(5L).setBatchSize(4).build();
    assertThat(none.select(spark(), 4).retrospectiveCount()).isZero();
  }

  @Test
  void shortfallOfCandidatesIsToppedUpWithFreshSamples() {
    String samples = SampleTables.write(dir.resolve("samples").toString(), SampleTables.rows(10), 1);
    String hard = dir.resolve("hard_samples").toString();
    HardSampleLedger ledger = new HardSampleLedger(hard);
    ledger.merge(HardSampleLedgerTest.stats(new Object[] {"s1-001", 0.0, 8}, new Object[] {"s1-002", 0.5, 8},
        new Object[] {"s3-001", 0.0, 8}), "run-b", 1, 1, "v");
    ledger.merge(HardSampleLedgerTest.stats(new Object[] {"s1-003", 0.0, 8}), "other-run", 1, 1, "v");
    BatchSelector sel = BatchSelector.fromConfig(config("zero-accuracy", 0.5), samples, hard, "run-b", 6);
    StepBatch b = sel.select(spark(), 3);
    // quota 3, but only s1-001 qualifies (s1-002 was solved, s3-001 is beyond phase 2's cap, s1-003 is another run's)
    assertThat(b.retrospectiveIds()).containsExactly("s1-001");
    assertThat(b.size()).isEqualTo(6);
    assertThat(b.freshCount()).isEqualTo(5);
    assertThat(b.sampleIds()).doesNotHaveDuplicates();
    assertThat(b.rows().where(col("pick").equalTo("fresh")).where("prompt_tokens <= 100 OR prompt_tokens > 200").count())
        .isZero();
  }

  @Test
  void importanceSamplingPicksInProportionToDifficulty() {
    RetrospectiveSampler sampler =
        RetrospectiveSampler.of(new CurriculumConfig.Retrospective(true, "importance", 0.25, 8.0));
    // weights after the cap: 1, 2, 4, 8 (infinite difficulty), 1  -> probabilities w / 16
    String[] ids = {"a", "b", "c", "d", "e"};
    double[] difficulty = {1.0, 2.0, 4.0, Double.POSITIVE_INFINITY, 1.0};
    double[] expected = {1 / 16.0, 2 / 16.0, 4 / 16.0, 8 / 16.0, 1 / 16.0};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      rows.add(RowFactory.create(ids[i], difficulty[i]));
    }
    Dataset<Row> candidates = spark().createDataFrame(rows,
        new StructType().add("sample_id", DataTypes.StringType).add("difficulty", DataTypes.DoubleType));
    int trials = 20_000;
    Dataset<Row> perStep =
        spark().range(1, trials + 1).withColumnRenamed("id", "step").crossJoin(candidates)
            .withColumn("k", sampler.key(9L, col("step"), col("sample_id"), col("difficulty")))
            .groupBy("step").agg(max_by(col("sample_id"), col("k")).as("chosen"));
    Map<String, Long> counts = new HashMap<>();
    for (Row r : perStep.groupBy("chosen").count().collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    double chi2 = 0;
    for (int i = 0; i < ids.length; i++) {
      double freq = counts.getOrDefault(ids[i], 0L) / (double) trials;
      // 5 standard deviations of a binomial proportion at n = 20000 is at most 0.018
      assertThat(freq).as("frequency of %s", ids[i]).isCloseTo(expected[i], within(0.018));
      double e = expected[i] * trials;
      chi2 += Math.pow(counts.getOrDefault(ids[i], 0L) - e, 2) / e;
    }
    assertThat(chi2).as("chi-square, 4 degrees of freedom (p = 0.001 at 18.47)").isLessThan(18.47);

    // the batch pick: k distinct ids, the same for the same (seed, step), different for another step
    List<String> two = sampler.pick(candidates, 9L, 3L, 2);
    assertThat(two).hasSize(2).doesNotHaveDuplicates();
    assertThat(sampler.pick(candidates.repartition(3), 9L, 3L, 2)).isEqualTo(two);
    List<List<String>> byStep = new ArrayList<>();
    for (long s = 1; s <= 6; s++) {
      byStep.add(sampler.pick(candidates, 9L, s, 2));
    }
    assertThat(new HashSet<>(byStep)).hasSizeGreaterThan(1);
  }

  @Test
  void candidatesRespectRunPhaseModeAndPresence() {
    String samples = SampleTables.write(dir.resolve("samples").toString(), SampleTables.rows(4), 1);
    HardSampleLedger ledger = new HardSampleLedger(dir.resolve("hard_samples").toString());
    ledger.merge(HardSampleLedgerTest.stats(new Object[] {"s1-000", 0.0, 8}, new Object[] {"s1-001", 0.5, 8},
        new Object[] {"gone", 0.0, 8}), "r", 1, 1, "v");
    ledger.merge(HardSampleLedgerTest.stats(new Object[] {"s2-000", 0.0, 8}), "r", 2, 2, "v");
    Curriculum c = Curriculum.of(config("importance", 0.5));
    Dataset<Row> samplesDf = spark().read().format("delta").load(samples);
    RetrospectiveSampler zero = RetrospectiveSampler.of(new CurriculumConfig.Retrospective(true, "zero-accuracy", 0.5, 10));
    RetrospectiveSampler imp = RetrospectiveSampler.of(new CurriculumConfig.Retrospective(true, "importance", 0.5, 10));
    assertThat(ids(zero.candidates(ledger.read(spark()), samplesDf, "r", c.phase(2)))).containsExactly("s1-000");
    assertThat(ids(imp.candidates(ledger.read(spark()), samplesDf, "r", c.phase(2))))
        .containsExactly("s1-000", "s1-001");
    assertThat(ids(imp.candidates(ledger.read(spark()), samplesDf, "other", c.phase(2)))).isEmpty();
    assertThat(ids(imp.candidates(ledger.read(spark()), samplesDf, "r", c.phase(1)))).isEmpty();
  }

  private static List<String> ids(Dataset<Row> df) {
    return df.orderBy("sample_id").select("sample_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
  }
}
