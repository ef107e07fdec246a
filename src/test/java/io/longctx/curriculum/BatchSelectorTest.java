package io.longctx.curriculum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longctx.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchSelectorTest extends SparkTestBase {
  @TempDir Path dir;

  /** Phase 1 (0, 100] for 6 steps, phase 2 (100, 200] for 2 steps. */
  static final CurriculumConfig CONFIG =
      new CurriculumConfig(
          11L,
          false,
          List.of(new CurriculumConfig.Phase("p1", 100, 16, 6), new CurriculumConfig.Phase("p2", 200, 32, 2)),
          new CurriculumConfig.Retrospective(false, "zero-accuracy", 0.25, 10));

  private BatchSelector selector(String samples, long seed, int batch) {
    return selector(samples, seed, batch, BatchSelector.DEFAULT_MAX_CACHED_POOL_IDS);
  }

  /** maxCached 0: every fresh slice is a ranked Spark query instead of a slice of the cached epoch order. */
  private BatchSelector selector(String samples, long seed, int batch, long maxCached) {
    return BatchSelector.builder()
        .optMaxCachedPoolIds(maxCached)
        .setCurriculum(Curriculum.of(CONFIG))
        .setSamplesPath(samples)
        .setHardSamplesPath(dir.resolve("hard_samples").toString())
        .setRun("r")
        .setSeed(seed)
        .setBatchSize(batch)
        .build();
  }

  @Test
  void freshPicksWalkThePhasePoolEpochByEpoch() {
    String samples = SampleTables.write(dir.resolve("samples").toString(), SampleTables.rows(20), 3);
    BatchSelector sel = selector(samples, 11L, 4);
    List<String> epoch1 = new ArrayList<>();
    for (int step = 1; step <= 5; step++) {
      StepBatch b = sel.select(spark(), step);
      assertThat(b.size()).isEqualTo(4);
      assertThat(b.retrospectiveCount()).isZero();
      assertThat(b.at().phase().number()).isEqualTo(1);
      epoch1.addAll(b.sampleIds());
    }
    // 5 steps x 4 = the whole 20-sample pool of phase 1, each exactly once, none from (100, 200]
    assertThat(new HashSet<>(epoch1)).hasSize(20).allMatch(id -> id.startsWith("s1-"));
    List<String> sortedIds = new ArrayList<>(epoch1);
    Collections.sort(sortedIds);
    assertThat(epoch1).isNotEqualTo(sortedIds); // shuffled, not in id order
    // step 6 starts the second epoch: a new permutation
    StepBatch step6 = sel.select(spark(), 6);
    assertThat(step6.sampleIds()).doesNotHaveDuplicates().allMatch(id -> id.startsWith("s1-"));
    assertThat(step6.sampleIds()).isNotEqualTo(epoch1.subList(0, 4));
    // phase 2 (step 7) takes (100, 200] only, including the prompt of exactly 101 and 200 tokens
    StepBatch step7 = sel.select(spark(), 7);
    assertThat(step7.at().phase().number()).isEqualTo(2);
    assertThat(step7.at().stepInPhase()).isEqualTo(1);
    List<Row> rows = step7.rows().orderBy("batch_index").collectAsList();
    assertThat(rows).hasSize(4);
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      assertThat(r.<Integer>getAs("prompt_tokens")).isBetween(101, 200);
      assertThat(r.<String>getAs("sample_id")).isEqualTo(step7.sampleIds().get(i));
      assertThat(r.<String>getAs("pick")).isEqualTo(StepBatch.FRESH);
      assertThat(r.<Integer>getAs("batch_index")).isEqualTo(i);
      // pass-through columns survive
      assertThat(r.<String>getAs("prompt")).isEqualTo("Question about " + r.getAs("sample_id"));
      assertThat(r.<Integer>getAs("bucket")).isEqualTo(200);
      assertThat(r.<String>getAs("data_source")).startsWith("synthetic-");
    }
  }

  @Test
  void sameSeedAndStepPickTheSameIdsWhateverThePartitioning() {
    List<Row> rows = SampleTables.rows(20);
    String a = SampleTables.write(dir.resolve("a").toString(), rows, 1);
    List<Row> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, new java.util.Random(5));
    String b = SampleTables.write(dir.resolve("b").toString(), shuffled, 7);
    assertThat(spark().read().format("delta").load(b).inputFiles().length)
        .isGreaterThan(spark().read().format("delta").load(a).inputFiles().length);
    for (long step : new long[] {2, 7}) {
      List<String> fromA = selector(a, 11L, 5).select(spark(), step).sampleIds();
      List<String> fromB = selector(b, 11L, 5, 0).select(spark(), step).sampleIds();
      assertThat(fromB).as("step %d", step).isEqualTo(fromA);
      assertThat(selector(a, 11L, 5).select(spark(), step).sampleIds()).isEqualTo(fromA);
      assertThat(selector(a, 12L, 5).select(spark(), step).sampleIds()).as("other seed").isNotEqualTo(fromA);
    }
  }

  @Test
  void replayReadsThePinnedVersionsAfterTheTableChanged() {
    String samples = SampleTables.write(dir.resolve("samples").toString(), SampleTables.rows(20), 2);
    BatchSelector sel = selector(samples, 3L, 4);
    StepBatch original = sel.select(spark(), 2);
    assertThat(original.hardSamplesVersion()).isEqualTo(-1L);
    List<Row> more = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      more.add(SampleTables.sample(String.format("new-%02d", i), 1 + i * 3));
    }
    SampleTables.frame(more).write().format("delta").mode("append").save(samples);
    StepBatch now = sel.select(spark(), 2);
    assertThat(now.samplesVersion()).isEqualTo(original.samplesVersion() + 1);
    assertThat(now.sampleIds()).isNotEqualTo(original.sampleIds());
    StepBatch replayed = sel.replay(spark(), 2, original.samplesVersion(), original.hardSamplesVersion());
    assertThat(replayed.sampleIds()).isEqualTo(original.sampleIds());
    assertThat(replayed.rows().count()).isEqualTo(4);
  }

  @Test
  void missingTableAndEmptyPhaseFailWithAFix() {
    assertThatThrownBy(() -> selector(dir.resolve("nope").toString(), 1L, 4).select(spark(), 1))
        .isInstanceOf(CurriculumException.class)
        .hasMessageContaining("not a Delta table")
        .hasMessageContaining("curate");
    List<Row> onlyShort = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      onlyShort.add(SampleTables.sample("short-" + i, 10 + i));
    }
    String samples = SampleTables.write(dir.resolve("short").toString(), onlyShort, 1);
    assertThat(selector(samples, 1L, 2).select(spark(), 1).size()).isEqualTo(2);
    assertThatThrownBy(() -> selector(samples, 1L, 2).select(spark(), 7))
        .isInstanceOf(CurriculumException.class)
        .hasMessageContaining("Phase 2 ('p2')")
        .hasMessageContaining("(100, 200]");
    assertThatThrownBy(() -> selector(samples, 1L, 2).select(spark(), 9))
        .isInstanceOf(CurriculumException.class)
        .hasMessageContaining("1..8");
    assertThatThrownBy(() -> selector(samples, 1L, 0))
        .isInstanceOf(CurriculumException.class)
        .hasMessageContaining("train.batch-size");
  }

  @Test
  void poolSmallerThanTheBatchRepeatsAcrossEpochs() {
    List<Row> tiny = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      tiny.add(SampleTables.sample("t-" + i, 50));
    }
    String samples = SampleTables.write(dir.resolve("tiny").toString(), tiny, 1);
    StepBatch b = selector(samples, 1L, 7).select(spark(), 1);
    assertThat(b.size()).isEqualTo(7);
    assertThat(selector(samples, 1L, 7, 0).select(spark(), 1).sampleIds()).isEqualTo(b.sampleIds());
    Set<String> firstEpoch = new HashSet<>(b.sampleIds().subList(0, 3));
    assertThat(firstEpoch).containsExactlyInAnyOrder("t-0", "t-1", "t-2");
    assertThat(b.rows().count()).isEqualTo(7);
  }
}
