package io.longctx.rewards;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The reward + advantage benchmark: synthetic rollouts (generated in Spark, never collected; groups of G
 * consecutive ids; docmath, multi-hop and multiple-choice sources in turn; about 4 in 5 answers right) scored by
 * {@link HybridReward} (rule only, overlong shaping on), then {@link GroupAdvantages#computeWithKept}; and the
 * same rows generated and scored by a single-threaded Java loop. Both return checksums so the two can be
 * compared.
 */
public final class RewardBenchmark {
  private static final String[] LETTERS = {"A", "B", "C", "D"};

  private RewardBenchmark() {}

  /** What one engine did. */
  public record Result(String engine, long rows, double seconds, long correct, long keptRows, double sumAbsAdvantage) {
    public double rowsPerSecond() {
      return rows / seconds;
    }
  }

  /** The benchmark config: shaping at max 10000 / cache 1000, GRPO advantages, judge off. */
  public static RewardsConfig config() {
    RewardsConfig d = RewardsConfig.defaults();
    return new RewardsConfig(d.sourceVerifiers(), d.judge().withEnabled(false),
        new RewardsConfig.OverlongConfig(true, 10_000, 1_000, 1.0), RewardsConfig.AdvantageConfig.defaults());
  }

  /** {@code rows} synthetic rollouts in groups of {@code groupSize}, as a lazy DataFrame. */
  public static Dataset<Row> syntheticRollouts(SparkSession spark, long rows, int groupSize, int partitions) {
    Column id = col("id");
    Column group = id.divide(groupSize).cast("long");
    Column kind = pmod(group, lit(3L));
    Column value = pmod(group, lit(1000L));
    Column right = pmod(id.multiply(7919L).plus(13L), lit(5L)).notEqual(0);
    Column answer = when(right, value).otherwise(value.plus(1L));
    Column response = when(kind.equalTo(0),
            concat(lit("<think>reasoning</think>\n\nTherefore, the answer is "), answer.cast("string"), lit(".")))
        .when(kind.equalTo(1), concat(lit("<think>reasoning</think>\n\nSo the answer is City "), answer.cast("string")))
        .otherwise(concat(lit("<think>reasoning</think>\n\nThe correct answer is ("),
            letter(pmod(answer, lit(4L))), lit(")")));
    Column gold = when(kind.equalTo(0), value.cast("string"))
        .when(kind.equalTo(1), concat(lit("City "), value.cast("string")))
        .otherwise(letter(pmod(value, lit(4L))));
    Column source = when(kind.equalTo(0), lit("docmath_bench")).when(kind.equalTo(1), lit("musique_bench"))
        .otherwise(lit("long_toc_choices_bench"));
    Column tokens = pmod(id.multiply(104729L), lit(12_000L)).plus(50L).cast("int");
    return spark.range(0, rows, 1, partitions).select(group.as("sample_id"), pmod(id, lit((long) groupSize))
        .cast("int").as("response_index"), source.as("data_source"), response.as("response"), gold.as("gold"),
        tokens.as("response_tokens"));
  }

  private static Column letter(Column idx) {
    return when(idx.equalTo(0), lit("A")).when(idx.equalTo(1), lit("B")).when(idx.equalTo(2), lit("C"))
        .otherwise(lit("D"));
  }

  /** Scores and normalises the synthetic rows on Spark; only one aggregate row comes back. */
  public static Result runSpark(SparkSession spark, long rows, int groupSize, int partitions) {
    RewardsConfig cfg = config();
    long t0 = System.nanoTime();
    Dataset<Row> scored = HybridReward.score(syntheticRollouts(spark, rows, groupSize, partitions), cfg, null);
    Dataset<Row> adv = GroupAdvantages.computeWithKept(scored, "sample_id", HybridReward.SHAPED_REWARD,
        HybridReward.REWARD, cfg.advantage());
    Row r = adv.agg(count(lit(1)), sum(col(HybridReward.REWARD)), sum(col(DynamicSampling.KEPT).cast("long")),
        sum(abs(col(GroupAdvantages.ADVANTAGE)))).first();
    double s = (System.nanoTime() - t0) / 1e9;
    return new Result("spark", r.getLong(0), s, Math.round(r.getDouble(1)), r.getLong(2), r.getDouble(3));
  }

  /** The same rows, generated and scored one by one on one thread, with streaming group statistics. */
  public static Result runLoop(long rows, int groupSize) {
    RewardsConfig cfg = config();
    SourceRouter router = new SourceRouter(cfg);
    double eps = cfg.advantage().epsilon();
    double[] shaped = new double[groupSize];
    boolean[] hit = new boolean[groupSize];
    long correct = 0;
    long kept = 0;
    double sumAbs = 0;
    long t0 = System.nanoTime();
    int n = 0;
    for (long id = 0; id < rows; id++) {
      long group = id / groupSize;
      int kind = (int) (group % 3);
      long value = group % 1000;
      boolean right = (id * 7919L + 13L) % 5 != 0;
      long answer = right ? value : value + 1;
      String response;
      String gold;
      String source;
      if (kind == 0) {
        response = "<think>reasoning</think>\n\nTherefore, the answer is " + answer + ".";
        gold = Long.toString(value);
        source = "docmath_bench";
      } else if (kind == 1) {
        response = "<think>reasoning</think>\n\nSo the answer is City " + answer;
        gold = "City " + value;
        source = "musique_bench";
      } else {
        response = "<think>reasoning</think>\n\nThe correct answer is (" + LETTERS[(int) (answer % 4)] + ")";
        gold = LETTERS[(int) (value % 4)];
        source = "long_toc_choices_bench";
      }
      int tokens = (int) ((id * 104729L) % 12_000L + 50L);
      double reward = router.score(source, response, gold).score();
      correct += reward >= 1.0 ? 1 : 0;
      shaped[n] = reward + HybridReward.overlongPenalty(tokens, cfg.overlong());
      hit[n] = reward == 1.0;
      n++;
      if (n == groupSize || id == rows - 1) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
          mean += shaped[i];
        }
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) {
          var += (shaped[i] - mean) * (shaped[i] - mean);
        }
        double std = n > 1 ? Math.sqrt(var / (n - 1)) : 1.0;
        double m = n > 1 ? mean : 0.0;
        boolean anyHit = false;
        boolean anyMiss = false;
        for (int i = 0; i < n; i++) {
          sumAbs += Math.abs((shaped[i] - m) / (std + eps));
          anyHit |= hit[i];
          anyMiss |= !hit[i];
        }
        kept += anyHit && anyMiss ? n : 0;
        n = 0;
      }
    }
    double s = (System.nanoTime() - t0) / 1e9;
    return new Result("java-loop", rows, s, correct, kept, sumAbs);
  }
}
