package io.longctx.jobs.ablate;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.jobs.CurateSamplesJob;
import io.longctx.jobs.EvaluateCheckpointJob;
import io.longctx.jobs.ScoreDifficultyJob;
import io.longctx.jobs.TrainPolicyJob;
import io.longctx.jobs.Warehouse;
import io.longctx.jobs.WarmupSftJob;
import io.longctx.jobs.ablate.AblationPlan.RunSpec;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.EvalConfig;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.jobs.train.PolicyState;
import io.longctx.jobs.train.RunLease;
import io.longctx.jobs.train.RunLeaseException;
import io.longctx.jobs.train.RunLeases;
import io.longctx.jobs.train.StepTables;
import io.longctx.transforms.eval.PolicyGenerators;
import io.longctx.transforms.eval.ResponseScorer;
import io.longctx.transforms.synth.SynthGenerator;
import io.longctx.transforms.synth.SynthWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code longctx ablate}: runs every config x seed of an {@link AblationPlan} in one warehouse and summarises
 * held-out accuracy per config and length bucket as mean and 95% confidence interval over the seeds.
 *
 * <p>Per warehouse, once: the synthetic data and the curated samples (recorded in {@code <warehouse>/ablate/data.json};
 * a later invocation with other synth / curate settings is refused). Per SFT setting and seed, once: warm-up SFT and
 * an evaluation of its checkpoint. Per run: RL through the phased pipeline ({@link TrainPolicyJob}) from the SFT
 * checkpoint (or the initial weights), then the held-out evaluation of the last checkpoint. A run with evaluation
 * results is finished and skipped; one that stopped half-way resumes (train continues from its last committed step);
 * each run's lease is held while it runs, so a second invocation skips the runs the first is working on.
 */
public final class AblateJob {
  /** The lease held while the shared data are written. */
  static final String DATA_LEASE = "ablate-data";

  private static final ObjectMapper JSON = ConfigLoader.jsonMapper();

  private final SparkSession spark;
  private final AblationPlan plan;
  private final Warehouse warehouse;
  private Consumer<String> progress = s -> {};
  private RunLeases leases;
  private boolean summaryOnly;
  private final Set<String> evaluated = new HashSet<>();
  private final Map<String, String> sftCheckpoints = new HashMap<>();

  public AblateJob(SparkSession spark, AblationPlan plan) {
    this.spark = spark;
    this.plan = plan;
    this.warehouse = Warehouse.at(plan.base().warehouse());
  }

  public AblateJob optProgress(Consumer<String> sink) {
    this.progress = sink;
    return this;
  }

  /** Takes the run leases from this holder (e.g. one with --steal-lease). */
  public AblateJob optLeases(RunLeases runLeases) {
    this.leases = runLeases;
    return this;
  }

  /** Runs nothing: summarises the runs that have finished. */
  public AblateJob optSummaryOnly(boolean only) {
    this.summaryOnly = only;
    return this;
  }

  /**
   * What one invocation did and found.
   *
   * @param ran runs trained and evaluated by this invocation
   * @param skipped runs found finished
   * @param busy runs another invocation held
   * @param seconds wall seconds per run executed by this invocation (sft, train, eval, total)
   */
  public record Result(AblationSummary summary, List<String> ran, List<String> skipped, List<String> busy,
      Map<String, Map<String, Double>> seconds) {}

  public Result execute() {
    RunLeases holder = leases != null ? leases : warehouse.runLeases(spark, plan.base());
    evaluated.addAll(evalRunsPresent());
    List<String> ran = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<String> busy = new ArrayList<>();
    Map<String, Map<String, Double>> seconds = new LinkedHashMap<>();
    List<RunSpec> runs = plan.runs();
    if (!summaryOnly) {
      prepareData(holder);
      for (int i = 0; i < runs.size(); i++) {
        RunSpec r = runs.get(i);
        String tag = String.format("ablate [%d/%d] %s", i + 1, runs.size(), r.run());
        if (evaluated.contains(r.evalRun())) {
          skipped.add(r.run());
          progress.accept(tag + ": finished before, skipped");
          continue;
        }
        try (RunLease lease = holder.acquire(r.run())) {
          Map<String, Double> s = runOne(r, tag, holder);
          seconds.put(r.run(), s);
          ran.add(r.run());
          writeRunRecord(r, s);
        } catch (RunLeaseException e) {
          busy.add(r.run());
          progress.accept(tag + ": skipped, " + e.getMessage());
        }
      }
    }
    return new Result(summarise(), ran, skipped, busy, seconds);
  }

  /** SFT (shared), RL, eval of one run; the run's lease is held by the caller. */
  private Map<String, Double> runOne(RunSpec r, String tag, RunLeases holder) {
    Map<String, Double> s = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    Path start = null;
    if (r.sft() != null) {
      long s0 = System.nanoTime();
      boolean shared = sftCheckpoints.containsKey(r.sftRun());
      start = Path.of(sft(r, holder));
      s.put("sft", (System.nanoTime() - s0) / 1e9);
      progress.accept(String.format("%s: sft %s %s (%.1f s)", tag, r.sftRun(),
          shared ? "shared with an earlier run" : "ready", s.get("sft")));
    }
    if (r.rl().curriculum().passRateFilter().enabled()) {
      long d0 = System.nanoTime();
      start = passRates(r, start, holder);
      s.put("difficulty", (System.nanoTime() - d0) / 1e9);
    }
    long r0 = System.nanoTime();
    TrainPolicyJob.Result last;
    do { // train.steps-per-invocation may split the curriculum into several invocations
      last = new TrainPolicyJob(spark, r.rl(), warehouse).optLeases(holder).optStartCheckpoint(start).execute();
    } while (!last.finished());
    s.put("train", (System.nanoTime() - r0) / 1e9);
    progress.accept(String.format("%s: RL steps %d-%d of %d done (%.1f s)", tag, last.firstStep(), last.lastStep(),
        last.totalSteps(), s.get("train")));
    long e0 = System.nanoTime();
    evaluate(r.rl(), r.evalRun(), last.checkpoint());
    s.put("eval", (System.nanoTime() - e0) / 1e9);
    s.put("total", (System.nanoTime() - t0) / 1e9);
    Map<String, Double> acc = accuracy(List.of(r.evalRun())).getOrDefault(r.evalRun(), Map.of());
    progress.accept(String.format("%s: done in %.1f s (eval %.1f s): held-out accuracy %s", tag, s.get("total"),
        s.get("eval"), percentages(acc)));
    return s;
  }

  /** The SFT checkpoint of the run's SFT settings and seed: trained (or resumed) once, evaluated once. */
  private String sft(RunSpec r, RunLeases holder) {
    String known = sftCheckpoints.get(r.sftRun());
    if (known != null) {
      return known;
    }
    try (RunLease lease = holder.acquire(r.sftRun())) {
      WarmupSftJob.Result res = new WarmupSftJob(spark, r.sft(), warehouse).optLeases(holder).execute();
      String evalRun = r.sftEvalRun().orElseThrow();
      if (!evaluated.contains(evalRun)) {
        evaluate(r.sft(), evalRun, res.checkpoint());
      }
      sftCheckpoints.put(r.sftRun(), res.checkpoint());
      return res.checkpoint();
    }
  }

  /**
   * curriculum.pass-rate-filter: the start policy's pass rates in {@code sample_difficulty}, scored once per policy
   * (an SFT checkpoint is scored once for every config and seed that starts from it, under the SFT run's lease).
   * Without SFT the start is the run's initial weights, written where the pipeline writes them. Returns the start.
   */
  private Path passRates(RunSpec r, Path start, RunLeases holder) {
    Path policy = start != null ? start : PolicyState.initial(r.rl(), r.rl().train().seed(),
        warehouse.dir("checkpoint-files").resolve(r.run()).resolve("base"));
    try (RunLease lease = r.sftRun() != null ? holder.acquire(r.sftRun()) : null) {
      if (!ScoreDifficultyJob.hasRows(spark, warehouse, policy)) {
        ScoreDifficultyJob.Result d = new ScoreDifficultyJob(spark, r.rl(), warehouse).optPolicy(policy).execute();
        progress.accept(String.format("ablate %s: pass rates of %s scored (%d samples, k %d, mean %.3f)", r.run(),
            policy.getFileName(), d.scored(), d.k(), d.meanPassRate()));
      }
    }
    return policy;
  }

  private void evaluate(LongctxConfig config, String evalRun, String checkpoint) {
    EvalConfig e = config.eval().with(evalRun, checkpoint, null, null, null, null);
    LongctxConfig c = config.withEval(e);
    new EvaluateCheckpointJob(spark, c, warehouse, ResponseScorer.hybrid(c.rewards()))
        .optGenerator(PolicyGenerators.forCheckpoint(checkpoint, c.policy(), e.seed()))
        .execute();
    evaluated.add(evalRun);
  }

  /**
   * Synth and curate once per warehouse. {@code <warehouse>/ablate/data.json} records the settings they were made
   * with; a later invocation with the same settings reuses them, one with other settings is refused (its runs would
   * not be comparable with the ones already there).
   */
  private void prepareData(RunLeases holder) {
    LongctxConfig c = plan.base();
    Path marker = warehouse.dir("ablate").resolve("data.json");
    ObjectNode settings = dataSettings(c);
    StepTables tables = new StepTables(spark);
    try (RunLease lease = holder.acquire(DATA_LEASE)) {
      if (Files.isRegularFile(marker) && tables.version(warehouse.table(Warehouse.SAMPLES)) >= 0) {
        JsonNode recorded = JSON.readTree(marker.toFile());
        JsonNode current = JSON.readTree(JSON.writeValueAsString(settings)); // the same number types as read back
        AblationPlan.firstDifference(recorded.path("settings"), current, "", true).ifPresent(key -> {
          throw new IllegalStateException("The warehouse " + warehouse.root() + " holds ablation data made with other"
              + " settings (" + key.substring(1) + " differs from " + marker + "): its runs would not be comparable;"
              + " use another --warehouse or the base config those runs used");
        });
        progress.accept("ablate: synthetic data and curated samples are there (" + marker + "), reused");
        return;
      }
      long t0 = System.nanoTime();
      Path out = Path.of(c.synth().output());
      SynthWriter.writeAll(SynthGenerator.of(c.synth()), out.isAbsolute() ? out : warehouse.dir(c.synth().output()));
      new CurateSamplesJob(spark, c, warehouse, List.of()).execute();
      ObjectNode record = JSON.createObjectNode();
      record.set("settings", settings);
      record.put("samples_version", tables.version(warehouse.table(Warehouse.SAMPLES)));
      record.put("written_at", Instant.now().toString());
      writeJson(marker, record);
      progress.accept(String.format("ablate: synthetic data and curated samples written in %.1f s (shared by every"
          + " run)", (System.nanoTime() - t0) / 1e9));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + marker, e);
    }
  }

  static ObjectNode dataSettings(LongctxConfig c) {
    ObjectNode s = JSON.createObjectNode();
    s.set("synth", JSON.valueToTree(c.synth()));
    s.set("curate", JSON.valueToTree(c.curate()));
    s.put("tokenizer", c.policy().tokenizer());
    return s;
  }

  private void writeRunRecord(RunSpec r, Map<String, Double> seconds) {
    ObjectNode o = JSON.createObjectNode();
    o.put("run", r.run());
    o.put("config", r.config());
    o.put("seed", r.seed());
    o.put("sft_run", r.sftRun());
    o.set("seconds", JSON.valueToTree(seconds));
    o.put("finished_at", Instant.now().toString());
    writeJson(warehouse.dir("ablate").resolve("runs").resolve(r.run() + ".json"), o);
  }

  /** Wall seconds per run as recorded when it finished (runs finished by any invocation). */
  public Map<String, Map<String, Double>> recordedSeconds() {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    for (RunSpec r : plan.runs()) {
      Path f = warehouse.dir("ablate").resolve("runs").resolve(r.run() + ".json");
      if (Files.isRegularFile(f)) {
        try {
          JsonNode n = JSON.readTree(f.toFile()).path("seconds");
          Map<String, Double> m = new LinkedHashMap<>();
          n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asDouble()));
          out.put(r.run(), m);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + f, e);
        }
      }
    }
    return out;
  }

  static void writeJson(Path file, Object value) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value) + "\n");
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private Set<String> evalRunsPresent() {
    Set<String> out = new HashSet<>();
    if (!new StepTables(spark).exists(warehouse.table(Warehouse.EVAL_RESULTS))) {
      return out;
    }
    for (Row r : spark.read().format("delta").load(warehouse.table(Warehouse.EVAL_RESULTS)).select("run").distinct()
        .collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }

  /**
   * Column labels: the base config's curation caps ("(0, 256]", ..., "over 1024"), then one per task (data_source)
   * when the runs' results have more than one, then "all".
   *
   * @param perRun the labels each run has results for ({@link #accuracy})
   */
  List<String> columns(Collection<Map<String, Double>> perRun) {
    List<Integer> caps = plan.base().curate().buckets();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < caps.size(); i++) {
      out.add(label(caps, i));
    }
    out.add(over(caps));
    Set<String> tasks = new TreeSet<>();
    for (Map<String, Double> m : perRun) {
      m.keySet().stream().filter(k -> !out.contains(k) && !AblationSummary.ALL.equals(k)).forEach(tasks::add);
    }
    if (tasks.size() > 1) {
      out.addAll(tasks);
    }
    out.add(AblationSummary.ALL);
    return out;
  }

  static String label(List<Integer> caps, int i) {
    return String.format("(%d, %d]", i == 0 ? 0 : caps.get(i - 1), caps.get(i));
  }

  static String over(List<Integer> caps) {
    return "over " + caps.get(caps.size() - 1);
  }

  private Column bucketColumn() {
    List<Integer> caps = plan.base().curate().buckets();
    Column bucket = lit(over(caps));
    for (int i = caps.size() - 1; i >= 0; i--) {
      bucket = when(col("prompt_tokens").leq(caps.get(i)), lit(label(caps, i))).otherwise(bucket);
    }
    return bucket;
  }

  /**
   * eval run -> column label (bucket, task, "all") -> mean score in {@link #columns} order, for the eval runs that
   * have results: one read of the results, grouped by bucket and by data_source.
   */
  private Map<String, Map<String, Double>> accuracy(List<String> evalRuns) {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    List<String> present = evalRuns.stream().filter(evaluated::contains).toList();
    if (present.isEmpty()) {
      return out;
    }
    Dataset<Row> results = spark.read().format("delta").load(warehouse.table(Warehouse.EVAL_RESULTS))
        .where(col("run").isin(present.toArray())).withColumn("bucket", bucketColumn()).cache();
    try {
      for (String by : List.of("bucket", "data_source")) {
        for (Row r : results.groupBy(col("run"), col(by)).agg(avg("score")).collectAsList()) {
          if (!r.isNullAt(1)) {
            out.computeIfAbsent(r.getString(0), k -> new LinkedHashMap<>()).put(r.getString(1), r.getDouble(2));
          }
        }
      }
      for (Row r : results.groupBy("run").agg(avg("score")).collectAsList()) {
        out.computeIfAbsent(r.getString(0), k -> new LinkedHashMap<>()).put(AblationSummary.ALL, r.getDouble(1));
      }
    } finally {
      results.unpersist();
    }
    List<String> buckets = columns(out.values());
    Map<String, Map<String, Double>> ordered = new LinkedHashMap<>();
    for (String run : present) {
      Map<String, Double> m = out.getOrDefault(run, Map.of());
      Map<String, Double> byLabel = new LinkedHashMap<>();
      for (String b : buckets) {
        if (m.containsKey(b)) {
          byLabel.put(b, m.get(b));
        }
      }
      ordered.put(run, byLabel);
    }
    return ordered;
  }

  /** Items per column of one finished eval run (every run evaluates the same held-out set). */
  private Map<String, Long> items(String evalRun) {
    Map<String, Long> out = new LinkedHashMap<>();
    Dataset<Row> results = spark.read().format("delta").load(warehouse.table(Warehouse.EVAL_RESULTS))
        .where(col("run").equalTo(evalRun)).withColumn("bucket", bucketColumn());
    for (String by : List.of("bucket", "data_source")) {
      for (Row r : results.groupBy(by).agg(countDistinct("benchmark", "item_id")).collectAsList()) {
        if (!r.isNullAt(0)) {
          out.put(r.getString(0), r.getLong(1));
        }
      }
    }
    out.put(AblationSummary.ALL, results.select("benchmark", "item_id").distinct().count());
    return out;
  }

  /**
   * Per config, over its finished seeds; then one row per distinct warm-up SFT setting ("sft-only", or
   * "sft-only:<first config using it>" when configs differ in SFT) over the SFT checkpoints evaluated.
   */
  AblationSummary summarise() {
    List<String> evalRuns = new ArrayList<>();
    for (RunSpec r : plan.runs()) {
      evalRuns.add(r.evalRun());
      r.sftEvalRun().ifPresent(evalRuns::add);
    }
    Map<String, Map<String, Double>> acc = accuracy(evalRuns.stream().distinct().toList());
    List<String> buckets = columns(acc.values());
    List<AblationSummary.ConfigRow> rows = new ArrayList<>();
    // SFT settings (the same for every seed of the configs that share them)
    Map<String, String> sftLabel = new LinkedHashMap<>();
    Map<String, Map<String, Map<String, Double>>> sftRuns = new LinkedHashMap<>();
    for (AblationPlan.Config c : plan.configs()) {
      Map<String, Map<String, Double>> perRun = new LinkedHashMap<>();
      for (RunSpec r : plan.runs()) {
        if (!r.config().equals(c.name())) {
          continue;
        }
        if (acc.containsKey(r.evalRun())) {
          perRun.put(r.evalRun(), acc.get(r.evalRun()));
        }
        r.sftEvalRun().ifPresent(sr -> {
          String key = r.sftSetting();
          sftLabel.putIfAbsent(key, c.name());
          if (acc.containsKey(sr)) {
            sftRuns.computeIfAbsent(key, k -> new LinkedHashMap<>()).putIfAbsent(sr, acc.get(sr));
          }
        });
      }
      rows.add(AblationSummary.row(c.name(), plan.seeds(), buckets, perRun));
    }
    for (Map.Entry<String, String> e : sftLabel.entrySet()) {
      String name = sftLabel.size() == 1 ? "sft-only" : "sft-only:" + e.getValue();
      rows.add(AblationSummary.row(name, plan.seeds(), buckets,
          sftRuns.getOrDefault(e.getKey(), Map.of())));
    }
    // leave out the "over" bucket when no held-out item is longer than the largest cap
    List<String> shown = new ArrayList<>(buckets);
    String over = over(plan.base().curate().buckets());
    if (rows.stream().allMatch(r -> r.accuracy().get(over).n() == 0)) {
      shown.remove(over);
    }
    Map<String, Long> items = acc.isEmpty() ? Map.of() : items(acc.keySet().iterator().next());
    return new AblationSummary(shown, items, rows, wasted(acc.keySet()));
  }

  /**
   * Per config, over its finished runs (those with evaluation results): each run's mean wasted_rollout_share over
   * its RL steps. Empty when no finished run has the metric (a warehouse from before it existed).
   */
  private Map<String, MeanCi> wasted(Set<String> finishedEvalRuns) {
    Map<String, String> configOf = new LinkedHashMap<>();
    for (RunSpec r : plan.runs()) {
      if (finishedEvalRuns.contains(r.evalRun())) {
        configOf.put(r.run(), r.config());
      }
    }
    String table = warehouse.table(Warehouse.METRICS);
    if (configOf.isEmpty() || !new StepTables(spark).exists(table)) {
      return Map.of();
    }
    Dataset<Row> metrics = spark.read().format("delta").load(table);
    if (!java.util.Arrays.asList(metrics.columns()).contains("wasted_rollout_share")) {
      return Map.of();
    }
    Map<String, Double> perRun = new HashMap<>();
    for (Row r : metrics.where(col("run").isin(configOf.keySet().toArray()).and(col("step").gt(0)))
        .groupBy("run").agg(avg("wasted_rollout_share")).collectAsList()) {
      if (!r.isNullAt(1)) {
        perRun.put(r.getString(0), r.getDouble(1));
      }
    }
    Map<String, MeanCi> out = new LinkedHashMap<>();
    for (AblationPlan.Config c : plan.configs()) {
      List<Double> xs = new ArrayList<>();
      configOf.forEach((run, config) -> {
        if (config.equals(c.name()) && perRun.containsKey(run)) {
          xs.add(perRun.get(run));
        }
      });
      if (!xs.isEmpty()) {
        out.put(c.name(), MeanCi.of(xs));
      }
    }
    return out;
  }

  static String percentages(Map<String, Double> acc) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Double> e : acc.entrySet()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
          .append(String.format(java.util.Locale.ROOT, "%.1f%%", 100 * e.getValue()));
    }
    return sb.toString();
  }
}
