package io.longctx.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import io.longctx.jobs.config.EvalConfig;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.policy.chat.ChatTemplates;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.transforms.eval.Benchmark;
import io.longctx.transforms.eval.BenchmarkLoader;
import io.longctx.transforms.eval.EvalErrors;
import io.longctx.transforms.eval.EvalItem;
import io.longctx.transforms.eval.EvalPrompts;
import io.longctx.transforms.eval.EvalResults;
import io.longctx.transforms.eval.FramesPages;
import io.longctx.transforms.eval.GenerateResponses;
import io.longctx.transforms.eval.LoadProblem;
import io.longctx.transforms.eval.ReplayedResponses;
import io.longctx.transforms.eval.ResponseGenerator;
import io.longctx.transforms.eval.ResponseScorer;
import io.longctx.transforms.eval.SamplingSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * {@code bin/longctx eval}: evaluates one checkpoint on the configured benchmarks with the QwenLong-L1 protocol
 * (template, middle truncation to the input cap, k sampled responses, score = max(rule, judge), EM/F1), writes
 * {@code eval_results} idempotently per (run, checkpoint, benchmark) and returns the summary.
 *
 * <p>Responses come from a {@link ResponseGenerator.Loader} (the policy model, loaded once per executor) or, when
 * {@code eval.responses} names a file, from responses generated elsewhere.
 */
public final class EvaluateCheckpointJob {
  private final SparkSession spark;
  private final LongctxConfig config;
  private final Warehouse warehouse;
  private final ResponseScorer scorer;
  private ResponseGenerator.Loader generator;

  /** What one evaluation did. */
  public record Result(
      String run, String checkpoint, List<String> benchmarks, long items, long rowsWritten,
      List<LoadProblem> problems, List<Row> summary, List<String> notes) {}

  public EvaluateCheckpointJob(SparkSession spark, LongctxConfig config, Warehouse warehouse, ResponseScorer scorer) {
    this.spark = spark;
    this.config = config;
    this.warehouse = warehouse;
    this.scorer = scorer;
  }

  /** Sets the generator; required unless {@code eval.responses} names a file. */
  public EvaluateCheckpointJob optGenerator(ResponseGenerator.Loader loader) {
    this.generator = loader;
    return this;
  }

  /** The checkpoint recorded in the results: {@code eval.checkpoint}, else {@code policy.model}. */
  public static String checkpointOf(LongctxConfig config) {
    return config.eval().checkpoint().isBlank() ? config.policy().model() : config.eval().checkpoint();
  }

  public static SamplingSettings sampling(EvalConfig e) {
    return new SamplingSettings(e.samplesPerItem(), e.greedy(), e.temperature(), e.topP(), e.maxNewTokens(), e.seed());
  }

  public Result execute() {
    EvalConfig e = config.eval();
    String checkpoint = checkpointOf(config);
    List<String> names = new ArrayList<>(e.benchmarks().keySet());
    List<EvalItem> items = new ArrayList<>();
    List<LoadProblem> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    SparkSessions.withJobGroup(spark, "eval-load", "Load benchmark files", () -> {
      load(e, items, problems, notes);
      return null;
    });
    if (!problems.isEmpty() && e.strict()) {
      throw EvalErrors.badRecords(problems);
    }
    scorer.validateSources(items.stream().map(EvalItem::dataSource).collect(java.util.stream.Collectors.toSet()));
    Dataset<Row> scored =
        SparkSessions.withJobGroup(spark, "eval-generate", "Prompts, responses and scores for " + names,
            () -> score(respond(prompts(items)), e));
    Dataset<Row> rows = decorate(scored, e, checkpoint).persist();
    String table = warehouse.table(Warehouse.EVAL_RESULTS);
    long written;
    try {
      SparkSessions.withJobGroup(spark, "eval-write", "Write eval_results", () -> {
        EvalResults.write(rows, table, e.run(), checkpoint, names);
        return null;
      });
      written = rows.count();
    } finally {
      rows.unpersist();
    }
    List<Row> summary =
        SparkSessions.withJobGroup(spark, "eval-summary", "Summarise eval_results",
            () -> EvalResults.summary(spark, table, e.run(), checkpoint).collectAsList());
    return new Result(e.run(), checkpoint, names, items.size(), written, problems, summary, notes);
  }

  private void load(EvalConfig e, List<EvalItem> items, List<LoadProblem> problems, List<String> notes) {
    FramesPages pages = e.frames().pages().isBlank() || !e.benchmarks().containsKey(Benchmark.FRAMES.key())
        ? FramesPages.none()
        : FramesPages.load(spark, resolve(e.frames().pages()), problems);
    BenchmarkLoader.Options options =
        new BenchmarkLoader.Options(spark, pages, "partial".equals(e.frames().missingPages()));
    for (Map.Entry<String, List<String>> b : e.benchmarks().entrySet()) {
      List<Path> files = new ArrayList<>();
      for (String f : b.getValue()) {
        files.add(resolve(f));
      }
      BenchmarkLoader.Result r = BenchmarkLoader.load(Benchmark.forKey(b.getKey()), files, options);
      items.addAll(r.items());
      problems.addAll(r.problems());
      notes.addAll(r.notes());
    }
  }

  private Path resolve(String file) {
    Path p = Path.of(file);
    return p.isAbsolute() ? p : warehouse.root().resolve(p);
  }

  private Dataset<Row> prompts(List<EvalItem> items) {
    List<Row> rows = new ArrayList<>(items.size());
    for (EvalItem item : items) {
      rows.add(item.toRow());
    }
    int parts = config.eval().partitions() > 0
        ? config.eval().partitions()
        : Math.max(1, Math.min(items.size(), spark.sparkContext().defaultParallelism()));
    Dataset<Row> df = spark.createDataFrame(rows, EvalItem.SCHEMA).repartition(parts);
    List<String> choiceSources = new ArrayList<>(config.curate().multipleChoiceSources());
    for (Benchmark b : Benchmark.values()) {
      if (b.multipleChoice()) {
        choiceSources.add(b.dataSource());
      }
    }
    return EvalPrompts.build(
        df, new TokenizerSpec(config.policy().tokenizer()), ChatTemplates.forPolicy(config.policy()),
        config.eval().maxInputTokens(), choiceSources);
  }

  private Dataset<Row> respond(Dataset<Row> prompts) {
    EvalConfig e = config.eval();
    if (!e.responses().isBlank()) {
      Path file = Path.of(e.responses());
      return ReplayedResponses.join(prompts, ReplayedResponses.read(spark, file), e.samplesPerItem(), file);
    }
    if (generator == null) {
      throw EvalErrors.noGenerator(checkpointOf(config), "no response generator is configured");
    }
    return GenerateResponses.apply(prompts, generator, sampling(e), e.batchSize());
  }

  /** Scores against the first gold, or against every gold keeping the best-scoring one. */
  static Dataset<Row> scoreGolds(Dataset<Row> responses, ResponseScorer scorer, String golds) {
    if ("first".equals(golds)) {
      return scorer.score(responses.withColumn("gold", element_at(col("golds"), 1)));
    }
    Dataset<Row> perGold = scorer.score(responses.withColumn("gold", explode(col("golds"))));
    var best = Window.partitionBy("benchmark", "item_id", "sample_index")
        .orderBy(col("score").desc(), col("f1").desc(), col("em").desc(), col("gold"));
    return perGold.withColumn("gold_rank", row_number().over(best)).where(col("gold_rank").equalTo(1))
        .drop("gold_rank");
  }

  private Dataset<Row> score(Dataset<Row> responses, EvalConfig e) {
    return scoreGolds(responses, scorer, e.golds());
  }

  private static Dataset<Row> decorate(Dataset<Row> scored, EvalConfig e, String checkpoint) {
    return scored
        .withColumn("run", lit(e.run()))
        .withColumn("checkpoint", lit(checkpoint))
        .withColumn("greedy", lit(e.greedy()))
        .withColumn("temperature", lit(e.greedy() ? 0.0 : e.temperature()))
        .withColumn("top_p", lit(e.greedy() ? 1.0 : e.topP()))
        .withColumn("seed", lit(e.seed()))
        .withColumn("evaluated_at", current_timestamp());
  }
}
