package io.longctx.jobs.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.jobs.SparkSessions;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.rewards.RewardBenchmark;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code longctx bench rewards}: rollouts/s for reward + advantage computation on Spark versus a single-threaded
 * Java loop over the same synthetic rows. One JSON line per measurement on stdout.
 */
@Command(
    name = "rewards",
    mixinStandardHelpOptions = true,
    description = "Rollouts/s for rule reward + overlong shaping + group advantages + dynamic sampling, Spark vs "
        + "a single-threaded Java loop.")
public final class BenchRewardsCommand extends ConfiguredCommand {
  @Option(names = "--rows", split = ",", paramLabel = "N",
      description = "Row counts to measure (default: ${DEFAULT-VALUE}).", defaultValue = "1000000,10000000")
  List<Long> rows;

  @Option(names = "--group-size", description = "Responses per prompt (default: ${DEFAULT-VALUE}).",
      defaultValue = "8")
  int groupSize;

  @Option(names = "--partitions", description = "Input partitions (default: 2 x cores).")
  Integer partitions;

  @Option(names = "--skip-loop", description = "Measure Spark only.")
  boolean skipLoop;

  @Override
  protected int run(LongctxConfig config) {
    SparkSession spark = SparkSessions.getOrCreate(config.spark());
    int cores = spark.sparkContext().defaultParallelism();
    int parts = partitions != null ? partitions : Math.max(2, 2 * cores);
    RewardBenchmark.runSpark(spark, 100_000, groupSize, parts); // warm-up (JIT, Spark code generation)
    RewardBenchmark.runLoop(100_000, groupSize);
    for (long n : rows) {
      RewardBenchmark.Result s = SparkSessions.withJobGroup(spark, "bench-rewards", "rewards " + n + " rows",
          () -> RewardBenchmark.runSpark(spark, n, groupSize, parts));
      print(s, n, cores, parts, config);
      if (!skipLoop) {
        print(RewardBenchmark.runLoop(n, groupSize), n, 1, 1, config);
      }
    }
    return 0;
  }

  private void print(RewardBenchmark.Result r, long n, int cores, int parts, LongctxConfig config) {
    ObjectNode line = ConfigLoader.jsonMapper().createObjectNode();
    line.put("bench", "rewards").put("engine", r.engine()).put("rows", n).put("group_size", groupSize)
        .put("seconds", Math.round(r.seconds() * 1000) / 1000.0)
        .put("rollouts_per_s", Math.round(r.rowsPerSecond()))
        .put("cores", cores).put("partitions", parts)
        .put("shuffle_partitions", config.spark().shufflePartitions())
        .put("correct", r.correct()).put("kept_rows", r.keptRows())
        .put("sum_abs_advantage", r.sumAbsAdvantage());
    System.out.println(line);
  }
}
