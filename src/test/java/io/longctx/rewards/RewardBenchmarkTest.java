package io.longctx.rewards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.longctx.testing.SparkTestBase;
import org.junit.jupiter.api.Test;

/** The benchmark's two engines compute the same thing over the same rows. */
class RewardBenchmarkTest extends SparkTestBase {
  @Test
  void sparkAndTheJavaLoopAgreeOnTheSyntheticRows() {
    RewardBenchmark.Result spark = RewardBenchmark.runSpark(spark(), 20_003, 8, 3);
    RewardBenchmark.Result loop = RewardBenchmark.runLoop(20_003, 8);
    assertThat(spark.rows()).isEqualTo(20_003);
    assertThat(spark.correct()).isEqualTo(loop.correct());
    assertThat(spark.correct()).isBetween(15_000L, 17_000L); // about 4 in 5 right
    assertThat(spark.keptRows()).isEqualTo(loop.keptRows());
    assertThat(spark.keptRows()).isPositive();
    assertThat(spark.sumAbsAdvantage()).isCloseTo(loop.sumAbsAdvantage(), within(1e-6 * loop.sumAbsAdvantage()));
  }
}
