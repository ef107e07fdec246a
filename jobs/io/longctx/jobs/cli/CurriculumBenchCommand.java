package io.longctx.jobs.cli;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.repeat;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.longctx.curriculum.BatchSelector;
import io.longctx.curriculum.CurriculumConfig;
import io.longctx.curriculum.HardSampleLedger;
import io.longctx.curriculum.StepBatch;
import io.longctx.jobs.SparkSessions;
import io.longctx.jobs.config.LongctxConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code longctx bench curriculum}: the driver-side cost of the curriculum per RL step (batch selection from
 * {@code samples} + {@code hard_samples}, reading the chosen rows, the ledger MERGE) over a generated samples
 * table, for every step of the configured curriculum. Prints one JSON line per step and a summary line.
 */
@picocli.CommandLine.Command(
    name = "curriculum",
    mixinStandardHelpOptions = true,
    description = "Time batch selection and the hard-sample ledger MERGE per RL step on a generated samples table.")
public final class CurriculumBenchCommand extends ConfiguredCommand {
  @picocli.CommandLine.Option(
      names = "--samples", defaultValue = "20000", description = "rows in the generated samples table")
  long samples;

  @picocli.CommandLine.Option(names = "--batch-size", description = "prompts per step (default: train.batch-size)")
  Integer batchSize;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  protected int run(LongctxConfig config) throws Exception {
    SparkSession spark = SparkSessions.getOrCreate(config.spark());
    CurriculumConfig cc = config.curriculum();
    int batch = batchSize != null ? batchSize : config.train().batchSize();
    Path root = warehouse().dir("bench-curriculum");
    String samplesPath = root.resolve("samples").toString();
    String hardPath = root.resolve("hard_samples-" + System.nanoTime()).toString();
    int maxCap = cc.phases().get(cc.phases().size() - 1).maxInputTokens();
    long t0 = System.nanoTime();
    generate(spark, samples, maxCap).write().format("delta").mode("overwrite").partitionBy("bucket").save(samplesPath);
    emit(Map.of("bench", "curriculum", "event", "samples-written", "rows", samples, "ms", ms(t0)));

    BatchSelector selector = BatchSelector.fromConfig(cc, samplesPath, hardPath, "bench", batch);
    HardSampleLedger ledger = new HardSampleLedger(hardPath);
    List<Double> select = new ArrayList<>();
    List<Double> read = new ArrayList<>();
    List<Double> merge = new ArrayList<>();
    for (long step = 1; step <= selector.curriculum().totalSteps(); step++) {
      long a = System.nanoTime();
      StepBatch b = selector.select(spark, step);
      long c = System.nanoTime();
      Dataset<Row> rows = b.rows().cache();
      long n = rows.count();
      long d = System.nanoTime();
      // a stand-in policy: accuracy 0 for a quarter of the prompts, by a hash of the id
      Dataset<Row> stats = rows.select(col("sample_id"), col("pick"),
          when(pmod(xxhash64(col("sample_id")), lit(4)).equalTo(0), lit(0.0)).otherwise(lit(0.5)).as("mean_reward"),
          lit(config.train().groupSize()).as("responses"));
      HardSampleLedger.MergeResult m = ledger.merge(stats, "bench", b.at().phase().number(), step, "step-" + step);
      long e = System.nanoTime();
      rows.unpersist();
      select.add((c - a) / 1e6);
      read.add((d - c) / 1e6);
      merge.add((e - d) / 1e6);
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("bench", "curriculum");
      line.put("step", step);
      line.put("phase", b.at().phase().number());
      line.put("rows", n);
      line.put("retrospective", b.retrospectiveCount());
      line.put("select_ms", select.get(select.size() - 1));
      line.put("read_rows_ms", read.get(read.size() - 1));
      line.put("merge_ms", merge.get(merge.size() - 1));
      line.put("ledger_version", m.version());
      emit(line);
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("bench", "curriculum");
    summary.put("event", "summary");
    summary.put("samples", samples);
    summary.put("batch_size", batch);
    summary.put("steps", select.size());
    summary.put("median_select_ms", median(select));
    summary.put("median_read_rows_ms", median(read));
    summary.put("median_merge_ms", median(merge));
    summary.put("master", spark.sparkContext().master());
    summary.put("cores", Runtime.getRuntime().availableProcessors());
    emit(summary);
    return 0;
  }

  /** Deterministic samples: prompt_tokens spread over [1, maxCap] by a hash of the id. */
  static Dataset<Row> generate(SparkSession spark, long rows, int maxCap) {
    Column id = format_string("bench-%08d", col("id"));
    Column tokens = pmod(abs(xxhash64(id)), lit(maxCap)).plus(1).cast("int");
    return spark.range(rows).select(
        id.as("sample_id"),
        tokens.as("prompt_tokens"),
        pmod(col("id"), lit(3)).cast("int").as("bucket"),
        lit("bench").as("data_source"),
        concat(lit("Read the document and answer. "), repeat(lit("lorem ipsum "), 20)).as("prompt"));
  }

  private static double ms(long since) {
    return (System.nanoTime() - since) / 1e6;
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.isEmpty() ? 0 : s.get(s.size() / 2);
  }

  private static void emit(Map<String, ?> line) throws Exception {
    System.out.println(JSON.writeValueAsString(line));
  }
}
