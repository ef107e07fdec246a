package io.longctx.jobs;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.longctx.curriculum.Curriculum;
import io.longctx.curriculum.CurriculumPhase;
import io.longctx.jobs.config.EvalConfig;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.jobs.train.PolicyState;
import io.longctx.jobs.train.RunLease;
import io.longctx.jobs.train.RunLeases;
import io.longctx.transforms.eval.PolicyGenerators;
import io.longctx.transforms.eval.ResponseScorer;
import io.longctx.transforms.synth.SynthGenerator;
import io.longctx.transforms.synth.SynthWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The embedded default end to end on one machine: synth -> curate -> evaluate the base model -> warm-up SFT ->
 * evaluate -> (with {@code curriculum.pass-rate-filter} enabled: pass rates of the start policy, unless the
 * {@code sample_difficulty} table has its rows) -> RL phase by phase, evaluating after each -> a summary of held-out accuracy per length bucket and
 * stage. Every stage is one of the resumable jobs, so a re-run continues where an interrupted one stopped. Holds
 * the lease of {@code train.run} from the first stage to the last, so a second pipeline of the run stops at once.
 */
public final class RunPipelineJob {
  private final SparkSession spark;
  private final LongctxConfig config;
  private final Warehouse warehouse;
  private Consumer<String> progress = s -> {};
  private RunLeases leases;

  public RunPipelineJob(SparkSession spark, LongctxConfig config, Warehouse warehouse) {
    this.spark = spark;
    this.config = config;
    this.warehouse = warehouse;
  }

  public RunPipelineJob optProgress(Consumer<String> sink) {
    this.progress = sink;
    return this;
  }

  /** Takes the run leases (this pipeline's and its SFT's) from this holder, e.g. one with --steal-lease. */
  public RunPipelineJob optLeases(RunLeases runLeases) {
    this.leases = runLeases;
    return this;
  }

  /** One evaluated stage: its name and checkpoint. */
  public record Stage(String name, String checkpoint) {}

  /**
   * @param stages evaluated stages in order
   * @param accuracy held-out accuracy per stage name, then per bucket label ("all" for every bucket)
   * @param seconds wall time per pipeline stage
   */
  public record Result(List<Stage> stages, Map<String, Map<String, Double>> accuracy, Map<String, Double> seconds) {}

  public Result execute() {
    RunLeases holder = leases != null ? leases : warehouse.runLeases(spark, config);
    try (RunLease lease = holder.acquire(config.train().run())) {
      return execute(holder, lease);
    }
  }

  private Result execute(RunLeases holder, RunLease lease) {
    Map<String, Double> seconds = new LinkedHashMap<>();
    List<Stage> stages = new ArrayList<>();
    timed(seconds, "synth", () -> {
      Path out = Path.of(config.synth().output());
      SynthWriter.writeAll(SynthGenerator.of(config.synth()),
          out.isAbsolute() ? out : warehouse.dir(config.synth().output()));
    });
    timed(seconds, "curate", () -> new CurateSamplesJob(spark, config, warehouse, List.of()).execute());
    String run = config.train().run();
    Path base = PolicyState.initial(config, config.train().seed(),
        warehouse.dir("checkpoint-files").resolve(run).resolve("base"));
    stages.add(new Stage("base", base.toAbsolutePath().toString()));
    timed(seconds, "eval-base", () -> evaluate(stages.get(0)));

    Path start = base;
    if (config.sft().enabled()) {
      WarmupSftJob.Result sft = timed(seconds, "sft", () -> new WarmupSftJob(spark, config, warehouse)
          .optLeases(holder).execute());
      start = Path.of(sft.checkpoint());
      stages.add(new Stage("sft", sft.checkpoint()));
      timed(seconds, "eval-sft", () -> evaluate(stages.get(stages.size() - 1)));
    }
    if (config.curriculum().passRateFilter().enabled() && !ScoreDifficultyJob.hasRows(spark, warehouse, start)) {
      Path scoredBy = start;
      timed(seconds, "difficulty", () -> new ScoreDifficultyJob(spark, config, warehouse).optPolicy(scoredBy).execute());
    }
    Curriculum curriculum = Curriculum.of(config.curriculum());
    for (CurriculumPhase phase : curriculum.phases()) {
      lease.ensureHeld();
      Path from = start;
      TrainPolicyJob.Result r = timed(seconds, "train-" + phase.name(), () -> {
        TrainPolicyJob.Result last;
        do { // a configured nightly step budget may need several invocations to finish the phase
          last = new TrainPolicyJob(spark, config, warehouse).optLeases(holder).optStartCheckpoint(from)
              .optUntilStep(phase.lastStep()).execute();
        } while (last.lastStep() < phase.lastStep());
        return last;
      });
      stages.add(new Stage(phase.name(), r.checkpoint()));
      timed(seconds, "eval-" + phase.name(), () -> evaluate(stages.get(stages.size() - 1)));
    }
    return new Result(stages, accuracyByBucket(stages), seconds);
  }

  private void evaluate(Stage stage) {
    EvalConfig e = config.eval().with(evalRun(config), stage.checkpoint(), null, null, null, null);
    LongctxConfig c = config.withEval(e);
    new EvaluateCheckpointJob(spark, c, warehouse, ResponseScorer.hybrid(c.rewards()))
        .optGenerator(PolicyGenerators.forCheckpoint(stage.checkpoint(), c.policy(), e.seed()))
        .execute();
  }

  public static String evalRun(LongctxConfig config) {
    return config.train().run() + "-eval";
  }

  /** Held-out accuracy (mean score) per stage and per curation bucket of the prompt's length. */
  Map<String, Map<String, Double>> accuracyByBucket(List<Stage> stages) {
    List<Integer> caps = config.curate().buckets();
    Column bucket = lit("over");
    for (int i = caps.size() - 1; i >= 0; i--) {
      bucket = when(col("prompt_tokens").leq(caps.get(i)), lit(label(caps, i))).otherwise(bucket);
    }
    Dataset<Row> results = spark.read().format("delta").load(warehouse.table(Warehouse.EVAL_RESULTS))
        .where(col("run").equalTo(evalRun(config)));
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    for (Stage s : stages) {
      Dataset<Row> mine = results.where(col("checkpoint").equalTo(s.checkpoint()));
      Map<String, Double> perBucket = new LinkedHashMap<>();
      for (Row r : mine.withColumn("bucket", bucket).groupBy("bucket")
          .agg(avg("score").as("acc"), count(lit(1)).as("n")).orderBy("bucket").collectAsList()) {
        perBucket.put(r.getString(0), r.getDouble(1));
      }
      Row all = mine.agg(avg("score")).first();
      perBucket.put("all", all.isNullAt(0) ? Double.NaN : all.getDouble(0));
      out.put(s.name(), perBucket);
    }
    return out;
  }

  static String label(List<Integer> caps, int i) {
    return String.format("%d: (%d, %d]", i, i == 0 ? 0 : caps.get(i - 1), caps.get(i));
  }

  private <T> T timed(Map<String, Double> seconds, String name, java.util.function.Supplier<T> body) {
    progress.accept("== " + name);
    long t0 = System.nanoTime();
    T r = body.get();
    seconds.put(name, (System.nanoTime() - t0) / 1e9);
    progress.accept(String.format("== %s done in %.1f s", name, seconds.get(name)));
    return r;
  }

  private void timed(Map<String, Double> seconds, String name, Runnable body) {
    timed(seconds, name, () -> {
      body.run();
      return null;
    });
  }
}
