package io.longctx.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.longctx.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StepTablesTest extends SparkTestBase {
  @TempDir Path dir;

  private Dataset<Row> rows(String run, long step, int n, int salt) {
    return spark().range(n).toDF("i")
        .withColumn("run", functions.lit(run))
        .withColumn("step", functions.lit(step))
        .withColumn("value", functions.col("i").plus(salt));
  }

  @Test
  void rewritingAStepLeavesOneCopyOfItsRows() {
    StepTables t = new StepTables(spark());
    String path = dir.resolve("rollouts").toString();
    t.writeSlice(rows("a", 0, 3, 0), path, "a", 0);
    t.writeSlice(rows("a", 1, 4, 0), path, "a", 1);
    t.writeSlice(rows("b", 1, 5, 0), path, "b", 1);
    // step 1 of run a re-run (e.g. after a kill) with different content
    t.writeSlice(rows("a", 1, 2, 100), path, "a", 1);
    Dataset<Row> all = spark().read().format("delta").load(path);
    assertThat(all.count()).isEqualTo(3 + 2 + 5);
    assertThat(all.where("run = 'a' AND step = 1").agg(functions.min("value")).first().getLong(0))
        .isEqualTo(100L);
    assertThat(all.where("run = 'b'").count()).isEqualTo(5);
  }

  @Test
  void rollbackRemovesOnlyUncommittedStepsOfTheRun() {
    StepTables t = new StepTables(spark());
    String data = dir.resolve("metrics").toString();
    String commits = dir.resolve("checkpoints").toString();
    assertThat(t.lastCommittedStep(commits, "a")).isEmpty();
    for (long s = 0; s < 3; s++) {
      t.writeSlice(rows("a", s, 2, 0), data, "a", s);
    }
    t.writeSlice(rows("b", 5, 2, 0), data, "b", 5);
    t.writeSlice(rows("a", 0, 1, 0), commits, "a", 0);
    t.writeSlice(rows("a", 1, 1, 0), commits, "a", 1);
    OptionalLong last = t.lastCommittedStep(commits, "a");
    assertThat(last).hasValue(1L);
    t.rollbackUncommitted(List.of(data, dir.resolve("missing").toString()), "a", last);
    Dataset<Row> left = spark().read().format("delta").load(data);
    assertThat(left.where("run = 'a'").agg(functions.max("step")).first().getLong(0)).isEqualTo(1L);
    assertThat(left.where("run = 'b'").count()).isEqualTo(2);
    long v = t.version(data);
    assertThat(v).isGreaterThanOrEqualTo(4L);
    assertThat(t.version(dir.resolve("missing").toString())).isEqualTo(-1L);
  }
}
