package io.longctx.curriculum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longctx.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Task-balanced sampling (curriculum.task-balance): per-task counts at every step, retrospective picks included. */
class TaskBalanceTest extends SparkTestBase {
  @TempDir Path dir;

  private static CurriculumConfig config(CurriculumConfig.TaskBalance balance) {
    return new CurriculumConfig(5L, false,
        List.of(new CurriculumConfig.Phase("p1", 100, 16, 4), new CurriculumConfig.Phase("p2", 200, 16, 3)),
        new CurriculumConfig.Retrospective(true, "zero-accuracy", 0.25, 10), balance);
  }

  private BatchSelector selector(String samples, CurriculumConfig c, int batch) {
    return BatchSelector.fromConfig(c, samples, dir.resolve("hard").toString(), "r", batch);
  }

  /** data_source of each sample: SampleTables gives "synthetic-(tokens mod 3)", three tasks of unequal size. */
  private static Map<String, String> tasks(List<Row> rows) {
    Map<String, String> m = new HashMap<>();
    rows.forEach(r -> m.put(r.getString(0), r.getString(3)));
    return m;
  }

  private static Map<String, Integer> counts(List<String> ids, Map<String, String> task) {
    Map<String, Integer> c = new TreeMap<>();
    ids.forEach(id -> c.merge(task.get(id), 1, Integer::sum));
    return c;
  }

  @Test
  void everyStepTakesEqualSharesPerTaskRetrospectivePicksIncluded() {
    List<Row> rows = SampleTables.rows(30);
    Map<String, String> task = tasks(rows);
    String samples = SampleTables.write(dir.resolve("samples").toString(), rows, 2);
    CurriculumConfig c = config(new CurriculumConfig.TaskBalance(true, Map.of()));
    BatchSelector sel = selector(samples, c, 8);
    HardSampleLedger ledger = new HardSampleLedger(dir.resolve("hard").toString());
    Map<String, Double> equal = new TreeMap<>(Map.of("synthetic-0", 1.0, "synthetic-1", 1.0, "synthetic-2", 1.0));
    Map<String, Set<String>> freshSeen = new HashMap<>();
    Map<String, Integer> phase1Size = new HashMap<>();
    rows.stream().filter(r -> r.getInt(1) <= 100).forEach(r -> phase1Size.merge(r.getString(3), 1, Integer::sum));
    Map<String, Integer> extraSlots = new TreeMap<>();
    for (int step = 1; step <= 7; step++) {
      StepBatch b = sel.select(spark(), step);
      assertThat(b.size()).isEqualTo(8);
      assertThat(b.sampleIds()).doesNotHaveDuplicates();
      Map<String, Integer> got = counts(b.sampleIds(), task);
      int[] want = TaskShares.apportion(8, equal, 5L, step);
      Map<String, Integer> expected = new TreeMap<>();
      for (int i = 0; i < 3; i++) {
        expected.put("synthetic-" + i, want[i]);
      }
      assertThat(got).as("step %d", step).isEqualTo(expected);
      assertThat(got.values()).allMatch(n -> n == 2 || n == 3); // 8 over 3 tasks: 3, 3, 2 in some order
      got.forEach((t, n) -> extraSlots.merge(t, n - 2, Integer::sum));
      // the batch's rows agree with the picks
      List<Row> batchRows = b.rows().collectAsList();
      assertThat(batchRows).hasSize(8);
      for (Row r : batchRows) {
        assertThat(r.<String>getAs("data_source")).isEqualTo(task.get(r.<String>getAs("sample_id")));
      }
      if (step <= 4) {
        assertThat(b.retrospectiveCount()).isZero(); // phase 1 has no earlier phase
        for (StepBatch.Pick p : b.picks()) {
          Set<String> seen = freshSeen.computeIfAbsent(task.get(p.sampleId()), k -> new HashSet<>());
          if (seen.size() < phase1Size.get(task.get(p.sampleId()))) { // within the task's first epoch
            assertThat(seen.add(p.sampleId())).as("fresh pick %s repeats within its task's epoch", p.sampleId())
                .isTrue();
          }
        }
        // every phase-1 sample answered wrong: all are hard samples for phase 2
        Map<String, Double> zero = new HashMap<>();
        b.sampleIds().forEach(id -> zero.put(id, 0.0));
        ledger.merge(RetrospectiveSamplerTest.statsOf(b, zero), "r", 1, step, "v" + step);
      } else {
        // phase 2: the retrospective quota (round(0.25 * 8) = 2) is split between tasks too, each task's picks
        // being its own phase-1 hard samples
        assertThat(b.retrospectiveCount()).isEqualTo(2);
        int[] retroWant = TaskShares.apportion(2, equal, 5L ^ 0x5EEDL, step);
        Map<String, Integer> retroGot = counts(b.retrospectiveIds(), task);
        for (int i = 0; i < 3; i++) {
          assertThat(retroGot.getOrDefault("synthetic-" + i, 0)).as("step %d task %d", step, i)
              .isEqualTo(Math.min(retroWant[i], want[i]));
        }
        assertThat(b.retrospectiveIds()).allMatch(id -> id.startsWith("s1-"));
        // replay from the recorded versions chooses the same batch
        assertThat(sel.replay(spark(), step, b.samplesVersion(), b.hardSamplesVersion()).picks())
            .isEqualTo(b.picks());
      }
    }
    // the extra third slot rotates between tasks rather than always going to the same one
    assertThat(extraSlots.values()).allMatch(n -> n >= 1);
  }

  @Test
  void configuredSharesWeightTasksAndLeaveUnnamedOnesOut() {
    List<Row> rows = SampleTables.rows(30);
    Map<String, String> task = tasks(rows);
    String samples = SampleTables.write(dir.resolve("samples").toString(), rows, 2);
    BatchSelector sel = selector(samples,
        config(new CurriculumConfig.TaskBalance(true, Map.of("synthetic-0", 3.0, "synthetic-2", 1.0))), 8);
    for (int step = 1; step <= 3; step++) {
      assertThat(counts(sel.select(spark(), step).sampleIds(), task))
          .containsExactlyInAnyOrderEntriesOf(Map.of("synthetic-0", 6, "synthetic-2", 2));
    }
    BatchSelector none = selector(samples,
        config(new CurriculumConfig.TaskBalance(true, Map.of("other_task", 1.0))), 8);
    assertThatThrownBy(() -> none.select(spark(), 1))
        .isInstanceOf(CurriculumException.class)
        .hasMessageContaining("other_task").hasMessageContaining("synthetic-0");
  }

  @Test
  void apportionSplitsByLargestRemainderAndSumsToTheBatch() {
    Map<String, Double> w = new TreeMap<>(Map.of("a", 1.0, "b", 1.0, "c", 2.0));
    assertThat(TaskShares.apportion(8, w, 1, 1)).containsExactly(2, 2, 4);
    int[] seven = TaskShares.apportion(7, w, 1, 1); // exact 1.75, 1.75, 3.5: floors 1, 1, 3, two left
    assertThat(seven[0] + seven[1] + seven[2]).isEqualTo(7);
    assertThat(seven[2]).isIn(3, 4);
    assertThat(TaskShares.weights(List.of("x", "y"), Map.of())).containsOnlyKeys("x", "y");
    assertThat(TaskShares.weights(List.of("x", "y"), Map.of("y", 2.0, "z", 1.0))).containsOnlyKeys("y");
    List<Integer> firsts = new ArrayList<>();
    for (long step = 1; step <= 30; step++) {
      firsts.add(TaskShares.apportion(4, new TreeMap<>(Map.of("a", 1.0, "b", 1.0, "c", 1.0)), 9, step)[0]);
    }
    assertThat(firsts).contains(1, 2); // the extra slot moves between tasks across steps
  }
}
