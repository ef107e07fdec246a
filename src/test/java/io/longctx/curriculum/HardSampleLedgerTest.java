package io.longctx.curriculum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.longctx.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HardSampleLedgerTest extends SparkTestBase {
  @TempDir Path dir;

  private static final StructType STATS =
      new StructType()
          .add("sample_id", DataTypes.StringType)
          .add("mean_reward", DataTypes.DoubleType)
          .add("responses", DataTypes.IntegerType)
          .add("pick", DataTypes.StringType);

  static Dataset<Row> stats(Object[]... rows) {
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) {
      out.add(RowFactory.create(r[0], r[1], r[2], r.length > 3 ? r[3] : "fresh"));
    }
    return spark().createDataFrame(out, STATS);
  }

  static Map<String, Row> byId(Dataset<Row> ledger) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : ledger.collectAsList()) {
      m.put(r.getAs("run") + "/" + r.getAs("sample_id"), r);
    }
    return m;
  }

  @Test
  void mergeKeepsAttemptsRunningMeanAndDifficulty() {
    HardSampleLedger ledger = new HardSampleLedger(dir.resolve("hard_samples").toString());
    HardSampleLedger.MergeResult r1 =
        ledger.merge(stats(new Object[] {"a", 0.5, 8}, new Object[] {"b", 0.0, 8}, new Object[] {"c", 1.0, 8}),
            "run1", 1, 1, "ckpt-0");
    assertThat(r1.inserted()).isEqualTo(3);
    assertThat(r1.updated()).isZero();
    HardSampleLedger.MergeResult r2 =
        ledger.merge(stats(new Object[] {"a", 0.25, 8}, new Object[] {"b", 0.0, 4, "retrospective"},
            new Object[] {"d", 0.75, 8}), "run1", 2, 2, "ckpt-1");
    assertThat(r2.inserted()).isEqualTo(1);
    assertThat(r2.updated()).isEqualTo(2);
    assertThat(r2.version()).isEqualTo(r1.version() + 1);
    // another run's rows are separate even for the same sample id
    ledger.merge(stats(new Object[] {"a", 1.0, 8}), "run2", 1, 1, "other");

    Map<String, Row> m = byId(ledger.read(spark()));
    assertThat(m).hasSize(5);
    Row a = m.get("run1/a");
    assertThat(a.<Long>getAs("attempts")).isEqualTo(2L);
    assertThat(a.<Long>getAs("responses")).isEqualTo(16L);
    assertThat(a.<Double>getAs("last_mean_reward")).isEqualTo(0.25);
    assertThat(a.<Double>getAs("reward_sum")).isCloseTo(0.75, within(1e-12));
    assertThat(a.<Double>getAs("running_mean_reward")).isCloseTo(0.375, within(1e-12));
    assertThat(a.<Double>getAs("difficulty")).isEqualTo(4.0);
    assertThat(a.<Integer>getAs("phase_first_seen")).isEqualTo(1);
    assertThat(a.<Integer>getAs("phase_last_seen")).isEqualTo(2);
    assertThat(a.<Long>getAs("step_first_seen")).isEqualTo(1L);
    assertThat(a.<Long>getAs("step_last_seen")).isEqualTo(2L);
    assertThat(a.<String>getAs("policy_version")).isEqualTo("ckpt-1");
    Row b = m.get("run1/b");
    assertThat(b.<Double>getAs("difficulty")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(b.<Double>getAs("running_mean_reward")).isZero();
    assertThat(b.<Long>getAs("retrospective_attempts")).isEqualTo(1L);
    assertThat(b.<Long>getAs("responses")).isEqualTo(12L);
    Row c = m.get("run1/c");
    assertThat(c.<Long>getAs("attempts")).isEqualTo(1L);
    assertThat(c.<Double>getAs("difficulty")).isEqualTo(1.0);
    assertThat(c.<Long>getAs("step_last_seen")).isEqualTo(1L);
    assertThat(c.<String>getAs("policy_version")).isEqualTo("ckpt-0");
    Row d = m.get("run1/d");
    assertThat(d.<Integer>getAs("phase_first_seen")).isEqualTo(2);
    assertThat(d.<Long>getAs("step_first_seen")).isEqualTo(2L);
    assertThat(d.<Double>getAs("difficulty")).isCloseTo(4.0 / 3.0, within(1e-12));
    assertThat(m.get("run2/a").<Long>getAs("attempts")).isEqualTo(1L);
  }

  @Test
  void aVersionTheLedgerNeverHadFailsNamingIt() {
    HardSampleLedger ledger = new HardSampleLedger(dir.resolve("hard_samples").toString());
    ledger.merge(stats(new Object[] {"a", 0.5, 8}), "r", 1, 1, "v0");
    // Delta's VersionNotFoundException is a checked AnalysisException, thrown undeclared
    assertThatThrownBy(() -> ledger.readAsOf(spark(), 99)).isInstanceOf(CurriculumException.class)
        .hasMessageContaining("hard_samples").hasMessageContaining("99");
  }

  @Test
  void reapplyingAStepChangesNothing() {
    // a session built by SparkSessions carries a process-wide userMetadata (the run lease's writer identity)
    scala.Option<String> metadataBefore = spark().conf().getOption("spark.databricks.delta.commitInfo.userMetadata");
    HardSampleLedger ledger = new HardSampleLedger(dir.resolve("hard_samples").toString());
    Dataset<Row> step1 = stats(new Object[] {"a", 0.5, 8}, new Object[] {"b", 0.0, 8});
    Dataset<Row> step2 = stats(new Object[] {"a", 0.25, 8}, new Object[] {"c", 0.0, 8});
    ledger.merge(step1, "r", 1, 1, "v0");
    // a job killed after the first MERGE re-runs step 1: no double counting
    HardSampleLedger.MergeResult again1 = ledger.merge(step1, "r", 1, 1, "v0");
    assertThat(again1.updated()).isZero();
    assertThat(again1.inserted()).isZero();
    assertThat(again1.skipped()).isEqualTo(2);
    ledger.merge(step2, "r", 1, 2, "v1");
    List<Row> afterStep2 = sorted(ledger.read(spark()));
    long versionAfterStep2 = ledger.latestVersion(spark());

    HardSampleLedger.MergeResult again2 = ledger.merge(step2, "r", 1, 2, "v1");
    assertThat(again2.updated() + again2.inserted()).isZero();
    HardSampleLedger.MergeResult late1 = ledger.merge(step1, "r", 1, 1, "v0");
    assertThat(late1.updated() + late1.inserted()).isZero();
    assertThat(sorted(ledger.read(spark()))).isEqualTo(afterStep2);
    Row a = byId(ledger.read(spark())).get("r/a");
    assertThat(a.<Long>getAs("attempts")).isEqualTo(2L);
    assertThat(a.<Double>getAs("running_mean_reward")).isCloseTo(0.375, within(1e-12));

    // re-applied steps commit nothing; every real merge is a version readable by time travel
    assertThat(ledger.latestVersion(spark())).isEqualTo(versionAfterStep2);
    List<Row> history = spark().sql("DESCRIBE HISTORY delta.`" + ledger.path() + "`")
        .where("operation = 'MERGE'").orderBy("version").select("version", "userMetadata").collectAsList();
    long versionAfterStep1 = history.get(0).getLong(0);
    assertThat(history.get(0).getString(1)).isEqualTo("hard_samples step=1 run=r");
    assertThat(history).hasSize(2);
    // the state a step's batch is chosen from: before this run merged that step
    assertThat(ledger.versionBeforeStep(spark(), "r", 1)).isEqualTo(versionAfterStep1 - 1);
    assertThat(ledger.versionBeforeStep(spark(), "r", 2)).isEqualTo(versionAfterStep1);
    assertThat(ledger.versionBeforeStep(spark(), "r", 3)).isEqualTo(versionAfterStep2);
    assertThat(ledger.versionBeforeStep(spark(), "other-run", 2)).isEqualTo(versionAfterStep2);
    assertThat(HardSampleLedger.stepOf("hard_samples step=12 run=a b", "a b")).isEqualTo(12L);
    assertThat(HardSampleLedger.stepOf("hard_samples step=12 run=a b", "a")).isNull();
    Map<String, Row> asOf1 = byId(ledger.readAsOf(spark(), versionAfterStep1));
    assertThat(asOf1).containsOnlyKeys("r/a", "r/b");
    assertThat(asOf1.get("r/a").<Double>getAs("running_mean_reward")).isEqualTo(0.5);
    // the session settings used during the MERGE are restored afterwards
    assertThat(spark().conf().getOption("spark.databricks.delta.commitInfo.userMetadata")).isEqualTo(metadataBefore);
    assertThat(spark().conf().get("spark.databricks.delta.merge.materializeSource")).isEqualTo("auto");
  }

  @Test
  void badStatisticsFailNamingTheSampleAndWriteNothing() {
    HardSampleLedger ledger = new HardSampleLedger(dir.resolve("hard_samples").toString());
    ledger.merge(stats(new Object[] {"a", 0.5, 8}), "r", 1, 1, "v0");
    long version = ledger.latestVersion(spark());
    assertThatThrownBy(() -> ledger.merge(stats(new Object[] {"ok", 0.5, 8}, new Object[] {"x7", 1.5, 8}), "r", 1, 2, "v"))
        .isInstanceOf(CurriculumException.class)
        .hasMessageContaining("'x7'")
        .hasMessageContaining("1.5")
        .hasMessageContaining("[0, 1]");
    assertThatThrownBy(() -> ledger.merge(stats(new Object[] {"x8", Double.NaN, 8}), "r", 1, 2, "v"))
        .isInstanceOf(CurriculumException.class).hasMessageContaining("'x8'");
    assertThatThrownBy(() -> ledger.merge(stats(new Object[] {"x9", 0.5, 0}), "r", 1, 2, "v"))
        .isInstanceOf(CurriculumException.class).hasMessageContaining("'x9'").hasMessageContaining("responses");
    assertThatThrownBy(() -> ledger.merge(stats(new Object[] {"d", 0.5, 8}, new Object[] {"d", 0.0, 8}), "r", 1, 2, "v"))
        .isInstanceOf(CurriculumException.class).hasMessageContaining("'d'").hasMessageContaining("more than once");
    assertThatThrownBy(() -> ledger.merge(stats(new Object[] {null, 0.5, 8}), "r", 1, 2, "v"))
        .isInstanceOf(CurriculumException.class).hasMessageContaining("row 0");
    assertThatThrownBy(() -> ledger.merge(stats(new Object[] {"p", 0.5, 8, "random"}), "r", 1, 2, "v"))
        .isInstanceOf(CurriculumException.class).hasMessageContaining("'p'").hasMessageContaining("random");
    assertThatThrownBy(() -> ledger.merge(spark().range(3).toDF("sample_id"), "r", 1, 2, "v"))
        .isInstanceOf(CurriculumException.class).hasMessageContaining("mean_reward").hasMessageContaining("responses");
    assertThatThrownBy(() -> ledger.merge(stats(new Object[] {"a", 0.5, 8}), "r", 0, 2, "v"))
        .isInstanceOf(CurriculumException.class).hasMessageContaining("numbered from 1");
    assertThat(ledger.latestVersion(spark())).isEqualTo(version);
    assertThat(ledger.read(spark()).count()).isEqualTo(1);
  }

  static List<Row> sorted(Dataset<Row> ledger) {
    return ledger.orderBy("run", "sample_id").collectAsList();
  }
}
