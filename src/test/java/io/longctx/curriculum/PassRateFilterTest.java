package io.longctx.curriculum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longctx.common.ConfigException;
import io.longctx.testing.SparkTestBase;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** curriculum.pass-rate-filter in batch selection, its pinned table version, and the ledger seeded from the rates. */
class PassRateFilterTest extends SparkTestBase {
  @TempDir Path dir;

  static final String POLICY = "/ckpt/sft-epoch-3";

  /** Phase 1 (0, 100] for 6 steps, phase 2 (100, 200] for 2 steps; retrospective quota 1 of 4 in phase 2. */
  static CurriculumConfig config(CurriculumConfig.PassRateFilter filter) {
    return new CurriculumConfig(11L, false,
        List.of(new CurriculumConfig.Phase("p1", 100, 16, 6), new CurriculumConfig.Phase("p2", 200, 32, 2)),
        new CurriculumConfig.Retrospective(true, "zero-accuracy", 0.25, 10), filter);
  }

  static CurriculumConfig.PassRateFilter band(double min, double max, boolean keepUnscored) {
    return new CurriculumConfig.PassRateFilter(true, min, max, keepUnscored, true, 4, false);
  }

  /** A difficulty row of {@link #POLICY}. */
  static Row rate(String id, int tokens, double passRate) {
    return RowFactory.create(id, "synthetic", 0, tokens, 4, passRate, 12.0, POLICY, "sft/sft@3", 3L, 0L,
        new Timestamp(0));
  }

  /** Rates for s1-000..s1-009 (phase 1): 000-003 always solved, 004-005 never, 006-007 half; 008-009 unscored. */
  static List<Row> rates() {
    List<Row> rows = new ArrayList<>();
    double[] r = {1, 1, 1, 1, 0, 0, 0.5, 0.5};
    for (int i = 0; i < r.length; i++) {
      rows.add(rate(String.format("s1-%03d", i), 10 * (i + 1), r[i]));
    }
    rows.add(rate("s2-000", 101, 1.0)); // phase 2
    // another policy's rows never count
    rows.add(RowFactory.create("s1-008", "synthetic", 0, 90, 4, 1.0, 12.0, "/ckpt/other", "external", null, 0L,
        new Timestamp(0)));
    return rows;
  }

  private String writeRates(List<Row> rows, SaveMode mode) {
    String path = dir.resolve("sample_difficulty").toString();
    spark().createDataFrame(rows, SampleDifficulty.SCHEMA).write().format("delta").mode(mode).save(path);
    return path;
  }

  private BatchSelector selector(CurriculumConfig c, String samples, String difficulty, long dv, int batch) {
    return BatchSelector.fromConfig(c, samples, dir.resolve("hard_samples").toString(), "r", batch, difficulty,
        POLICY, dv);
  }

  private static List<String> ids(StepBatch b) {
    List<String> out = new ArrayList<>();
    for (StepBatch.Pick p : b.picks()) {
      out.add(p.sampleId());
    }
    return out;
  }

  @Test
  void filteredIdsAreNeverPickedAndReplayReadsThePinnedVersion() {
    String samples = SampleTables.write(dir.resolve("samples").toString(), SampleTables.rows(10), 2);
    String difficulty = writeRates(rates(), SaveMode.ErrorIfExists);
    long dv = SampleDifficulty.latestVersion(spark(), difficulty);
    CurriculumConfig c = config(band(0.0, 1.0, true)); // the default band: drops the always-solved only
    BatchSelector sel = selector(c, samples, difficulty, dv, 3);

    Set<String> seen = new HashSet<>();
    List<List<String>> first = new ArrayList<>();
    for (long step = 1; step <= 3; step++) { // 9 picks over a pool of 6: every kept id, then a second epoch
      List<String> picked = ids(sel.select(spark(), step, 0L));
      first.add(picked);
      seen.addAll(picked);
    }
    assertThat(seen).containsExactlyInAnyOrder("s1-004", "s1-005", "s1-006", "s1-007", "s1-008", "s1-009");

    // the table changes (a re-score makes every rate 1.0); the pinned version still yields the same batches
    List<Row> allSolved = new ArrayList<>();
    for (Row r : rates()) {
      if (r.getString(7).equals(POLICY)) {
        allSolved.add(rate(r.getString(0), r.getInt(3), 1.0));
      }
    }
    writeRates(allSolved, SaveMode.Overwrite);
    BatchSelector again = selector(c, samples, difficulty, dv, 3);
    for (long step = 1; step <= 3; step++) {
      assertThat(ids(again.replay(spark(), step, 0L, -1L))).isEqualTo(first.get((int) step - 1));
    }
    // read at the new version, only the unscored samples are left
    BatchSelector latest = selector(c, samples, difficulty, SampleDifficulty.latestVersion(spark(), difficulty), 2);
    assertThat(ids(latest.select(spark(), 1, 0L))).containsExactlyInAnyOrder("s1-008", "s1-009");

    // a disabled filter changes nothing: the same picks as a selector built without one
    BatchSelector off = selector(config(CurriculumConfig.PassRateFilter.defaults()), samples, difficulty, dv, 3);
    BatchSelector plain = BatchSelector.fromConfig(config(CurriculumConfig.PassRateFilter.defaults()), samples,
        dir.resolve("hard_samples").toString(), "r", 3);
    assertThat(ids(off.select(spark(), 2, 0L))).isEqualTo(ids(plain.select(spark(), 2, 0L)));
  }

  @Test
  void bandBoundsUnscoredSamplesAndAnEmptiedPool() {
    String samples = SampleTables.write(dir.resolve("samples").toString(), SampleTables.rows(10), 1);
    String difficulty = writeRates(rates(), SaveMode.ErrorIfExists);
    long dv = SampleDifficulty.latestVersion(spark(), difficulty);

    // min inclusive, max exclusive; unscored samples dropped: only the half-solved ones are left
    Set<String> seen = new HashSet<>();
    BatchSelector mid = selector(config(band(0.5, 1.0, false)), samples, difficulty, dv, 2);
    for (long step = 1; step <= 4; step++) {
      seen.addAll(ids(mid.select(spark(), step, 0L)));
    }
    assertThat(seen).containsExactlyInAnyOrder("s1-006", "s1-007");

    // nothing in [0.6, 0.9) and no unscored samples kept: a clear error naming the phase and the band
    BatchSelector none = selector(config(band(0.6, 0.9, false)), samples, difficulty, dv, 2);
    assertThatThrownBy(() -> none.select(spark(), 1, 0L))
        .isInstanceOf(CurriculumException.class)
        .hasMessageContaining("Phase 1 ('p1')")
        .hasMessageContaining("[0.6, 0.9)")
        .hasMessageContaining("keep-unscored: false")
        .hasMessageContaining("curriculum.pass-rate-filter");

    // no rows for the start policy at all
    assertThatThrownBy(() -> SampleDifficulty.requireRows(spark(), difficulty, "/ckpt/none", dv))
        .hasMessageContaining("longctx difficulty --from /ckpt/none");

    // config validation names the key
    assertThatThrownBy(() -> band(0.5, 0.5, true).validate())
        .isInstanceOf(ConfigException.class).hasMessageContaining("curriculum.pass-rate-filter.max");
    assertThatThrownBy(() -> band(-0.1, 1, true).validate())
        .isInstanceOf(ConfigException.class).hasMessageContaining("curriculum.pass-rate-filter.min");
    assertThat(CurriculumConfig.PassRateFilter.defaults().keeps(1.0)).isFalse();
    assertThat(CurriculumConfig.PassRateFilter.defaults().keeps(0.0)).isTrue();
  }

  @Test
  void ledgerSeededFromTheRatesFeedsRetrospectiveSamplingFromTheFirstTransition() {
    String samples = SampleTables.write(dir.resolve("samples").toString(), SampleTables.rows(10), 1);
    String difficulty = writeRates(rates(), SaveMode.ErrorIfExists);
    long dv = SampleDifficulty.latestVersion(spark(), difficulty);
    HardSampleLedger ledger = new HardSampleLedger(dir.resolve("hard_samples").toString());
    CurriculumConfig c = config(band(0.0, 1.0, true));
    long v = ledger.seed(SampleDifficulty.ratesOf(spark(), difficulty, POLICY, dv), Curriculum.of(c), "r", POLICY);

    Map<String, Row> rows = new java.util.TreeMap<>();
    for (Row r : ledger.read(spark()).where("run = 'r'").collectAsList()) {
      rows.put(r.getAs("sample_id"), r);
    }
    assertThat(rows).hasSize(9).doesNotContainKey("s1-008"); // the other policy's row is not seeded
    Row never = rows.get("s1-004");
    assertThat(never.<Long>getAs("attempts")).isEqualTo(1L);
    assertThat(never.<Long>getAs("responses")).isEqualTo(4L);
    assertThat(never.<Double>getAs("last_mean_reward")).isEqualTo(0.0);
    assertThat(never.<Double>getAs("difficulty")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(never.<Long>getAs("step_last_seen")).isEqualTo(0L);
    assertThat(never.<Integer>getAs("phase_first_seen")).isEqualTo(1);
    assertThat(rows.get("s1-006").<Double>getAs("difficulty")).isEqualTo(2.0);
    assertThat(rows.get("s2-000").<Integer>getAs("phase_first_seen")).isEqualTo(2);
    assertThat(rows.get("s1-006").<String>getAs("policy_version")).isEqualTo(POLICY);

    // idempotent: a second seed (a re-started run) commits nothing
    assertThat(ledger.seed(SampleDifficulty.ratesOf(spark(), difficulty, POLICY, dv), Curriculum.of(c), "r", POLICY))
        .isEqualTo(v);
    assertThat(ledger.latestVersion(spark())).isEqualTo(v);
    // the seed is the run's step 0: step 1 reads it, and a real step-1 merge updates the seeded rows
    assertThat(ledger.versionBeforeStep(spark(), "r", 1)).isEqualTo(v);
    ledger.merge(HardSampleLedgerTest.stats(new Object[] {"s1-004", 1.0, 4}),
        "r", 1, 1, POLICY);
    Row updated = ledger.read(spark()).where("run = 'r' AND sample_id = 's1-004'").first();
    assertThat(updated.<Long>getAs("attempts")).isEqualTo(2L);
    assertThat(updated.<Double>getAs("running_mean_reward")).isEqualTo(0.5);

    // phase 2's first batch already takes a retrospective pick among the never-solved phase-1 samples (s1-005: s1-004
    // was solved at step 1); the ledger the selector reads is the state before step 7
    StepBatch b = selector(c, samples, difficulty, dv, 4).select(spark(), 7, 0L);
    List<String> retro = new ArrayList<>();
    for (StepBatch.Pick p : b.picks()) {
      if (p.pick().equals(StepBatch.RETROSPECTIVE)) {
        retro.add(p.sampleId());
      }
    }
    assertThat(retro).containsExactly("s1-005");
  }
}
