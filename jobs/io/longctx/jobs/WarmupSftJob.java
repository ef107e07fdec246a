package io.longctx.jobs;

import static org.apache.spark.sql.functions.col;

import io.longctx.jobs.cli.ProgressBar;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.jobs.config.SftConfig;
import io.longctx.jobs.train.PolicyState;
import io.longctx.jobs.train.RunLease;
import io.longctx.jobs.train.RunLeases;
import io.longctx.jobs.train.StepTables;
import io.longctx.jobs.train.TrainTables;
import io.longctx.jobs.train.TrainTables.CheckpointRecord;
import io.longctx.policy.chat.ChatTemplates;
import io.longctx.policy.lora.LoraConfig;
import io.longctx.policy.tokenizer.ChatFormat;
import io.longctx.policy.tokenizer.Tokenizer;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.policy.train.OptimConfig;
import io.longctx.policy.train.SftExample;
import io.longctx.policy.train.UpdateStats;
import io.longctx.transforms.PromptTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Warm-up SFT: token NLL of verified reasoning traces ({@code <think>...</think>} then "Therefore, the answer
 * is ...") given the templated prompt, over the samples within the SFT cap ({@code sft.max-input-tokens}, else the
 * first curriculum phase's), epoch by epoch within {@code sft.epoch-caps} when set. One committed step
 * per epoch under run {@code <train.run>-sft}, so an interrupted SFT resumes at the next epoch; the RL job starts
 * from its last checkpoint. Holds the lease of run {@code <train.run>-sft} throughout.
 */
public final class WarmupSftJob {
  private final SparkSession spark;
  private final LongctxConfig config;
  private final Warehouse warehouse;
  private RunLeases leases;

  public WarmupSftJob(SparkSession spark, LongctxConfig config, Warehouse warehouse) {
    this.spark = spark;
    this.config = config;
    this.warehouse = warehouse;
  }

  /** Takes the run's lease from this holder (e.g. a pipeline's, or one with --steal-lease). */
  public WarmupSftJob optLeases(RunLeases runLeases) {
    this.leases = runLeases;
    return this;
  }

  public record Result(String run, int examples, long lastEpoch, String checkpoint, double lastLoss) {}

  public static String runId(LongctxConfig config) {
    return config.train().run() + "-sft";
  }

  public Result execute() {
    RunLeases holder = leases != null ? leases : warehouse.runLeases(spark, config);
    try (RunLease lease = holder.acquire(runId(config))) {
      return execute(lease);
    }
  }

  private Result execute(RunLease lease) {
    SftConfig sft = config.sft();
    String run = runId(config);
    StepTables tables = new StepTables(spark);
    String checkpoints = warehouse.table(Warehouse.CHECKPOINTS);
    OptionalLong last = tables.lastCommittedStep(checkpoints, run);
    tables.rollbackUncommitted(List.of(warehouse.table(Warehouse.METRICS)), run, last);
    CheckpointRecord previous = last.isPresent()
        ? TrainTables.read(spark, checkpoints, run, last.getAsLong())
        : commitStart(tables, checkpoints, run);
    List<Example> examples = examples(previous.samplesVersion());
    if (examples.isEmpty()) {
      throw new IllegalStateException("No samples with a reasoning trace fit the SFT cap of "
          + config.sft().cap(config.curriculum()) + " tokens (sft.max-input-tokens, 0 = the first phase's cap):"
          + " nothing to fine-tune on.");
    }
    List<List<SftExample>> perEpoch = new ArrayList<>();
    for (long epoch = 1; epoch <= sft.epochs(); epoch++) {
      int cap = sft.epochCap(config.curriculum(), epoch);
      List<SftExample> within = examples.stream().filter(e -> e.promptTokens() <= cap).map(Example::sft).toList();
      if (within.isEmpty()) {
        throw new IllegalStateException("No samples with a reasoning trace fit epoch " + epoch + "'s cap of " + cap
            + " tokens (sft.epoch-caps): nothing to fine-tune on in that epoch.");
      }
      perEpoch.add(within);
    }
    double lastLoss = Double.NaN;
    long remaining = 0;
    for (long epoch = previous.step() + 1; epoch <= sft.epochs(); epoch++) {
      remaining += batches(perEpoch.get((int) epoch - 1));
    }
    ProgressBar bar = new ProgressBar("sft " + run, remaining);
    long totalUpdates = perEpoch.stream().mapToLong(this::batches).sum();
    try (PolicyState policy = PolicyState.load(Path.of(previous.checkpointPath()), optim(totalUpdates),
        config.policy().device(), 1.0, true, PolicyState.adapterFor(config, LoraConfig.SFT), config.train().seed())) {
      policy.useAllCores(config.policy().cpuThreads());
      for (long epoch = previous.step() + 1; epoch <= sft.epochs(); epoch++) {
        lease.ensureHeld();
        long t0 = System.nanoTime();
        List<SftExample> order = new ArrayList<>(perEpoch.get((int) epoch - 1));
        Collections.shuffle(order, new Random(config.train().seed() * 31 + epoch));
        List<UpdateStats> updates = new ArrayList<>();
        for (int from = 0; from < order.size(); from += sft.batchSize()) {
          updates.addAll(policy.trainer().sftStep(order.subList(from, Math.min(order.size(), from + sft.batchSize()))));
          bar.advance(1);
        }
        double optS = (System.nanoTime() - t0) / 1e9;
        Path dir = warehouse.dir("checkpoint-files").resolve(run).resolve(String.format("epoch-%03d", epoch));
        policy.save(dir, new TokenizerSpec(config.policy().tokenizer()));
        Map<String, Double> m = new LinkedHashMap<>();
        io.longctx.jobs.train.StepMetrics.putUpdateStats(m, updates);
        m.put("groups", (double) order.size());
        m.put("time_optimizer_s", optS);
        m.put("time_total_s", (System.nanoTime() - t0) / 1e9);
        lastLoss = m.getOrDefault("loss", Double.NaN);
        tables.writeSlice(TrainTables.metricRow(spark, run, epoch, "sft", 1, m), warehouse.table(Warehouse.METRICS),
            run, epoch);
        previous = new CheckpointRecord(run, epoch, "sft", 1, "sft", dir.toAbsolutePath().toString(),
            previous.samplesVersion(), previous.hardSamplesVersionRead(), previous.hardSamplesVersion(),
            config.train().seed(), previous.checkpointPath());
        tables.writeSlice(TrainTables.checkpointRow(spark, previous), checkpoints, run, epoch);
      }
    }
    return new Result(run, examples.size(), previous.step(), previous.checkpointPath(), lastLoss);
  }

  /** A tokenised trace and its sample's prompt length (for the per-epoch caps). */
  private record Example(SftExample sft, int promptTokens) {
  }

  private CheckpointRecord commitStart(StepTables tables, String checkpoints, String run) {
    Path start = PolicyState.initial(config, config.train().seed(),
        warehouse.dir("checkpoint-files").resolve(run).resolve("epoch-000"));
    long sv = tables.version(warehouse.table(Warehouse.SAMPLES));
    if (sv < 0) {
      throw new IllegalStateException("No samples table at " + warehouse.table(Warehouse.SAMPLES)
          + ": run 'longctx curate' first.");
    }
    CheckpointRecord r = new CheckpointRecord(run, 0, "init", 0, "init", start.toAbsolutePath().toString(), sv,
        -1, -1, config.train().seed(), null);
    tables.writeSlice(TrainTables.checkpointRow(spark, r), checkpoints, run, 0);
    return r;
  }

  /** Traces of samples within the SFT cap, tokenised; sorted by sample id for determinism. */
  private List<Example> examples(long samplesVersion) {
    int cap = config.sft().cap(config.curriculum());
    List<Row> rows = spark.read().format("delta").option("versionAsOf", samplesVersion)
        .load(warehouse.table(Warehouse.SAMPLES))
        .where(col("trace").isNotNull().and(col("prompt_tokens").leq(cap)))
        .select("sample_id", "prompt", "trace", "prompt_tokens")
        .orderBy("sample_id")
        .collectAsList();
    int max = config.sft().maxSamples() > 0 ? Math.min(rows.size(), config.sft().maxSamples()) : rows.size();
    ChatFormat template = ChatTemplates.forPolicy(config.policy());
    List<Example> out = new ArrayList<>(max);
    try (Tokenizer tok = new TokenizerSpec(config.policy().tokenizer()).open()) {
      int stop = tok.stopTokenIds()[0];
      for (Row r : rows.subList(0, max)) {
        String rendered = template.render(r.getString(1));
        int cut = config.sft().questionLoss() ? tailStart(rendered, r.getString(1)) : rendered.length();
        int[] response = tok.encode(rendered.substring(cut) + r.getString(2));
        int[] withStop = Arrays.copyOf(response, response.length + 1);
        withStop[response.length] = stop;
        out.add(new Example(new SftExample(tok.encode(rendered.substring(0, cut)), withStop), r.getInt(3)));
      }
    }
    return out;
  }

  /**
   * Where the text after the document starts in the rendered prompt ({@code sft.question-loss}): the end of the
   * {@code </text>} block, or the whole prompt's end when it has none (nothing then moves into the target).
   */
  static int tailStart(String rendered, String prompt) {
    return PromptTemplate.recover(prompt)
        .map(parts -> rendered.lastIndexOf(parts.tail()))
        .filter(i -> i >= 0)
        .orElse(rendered.length());
  }

  private long batches(List<SftExample> examples) {
    return (examples.size() + config.sft().batchSize() - 1) / config.sft().batchSize();
  }

  /**
   * The optimizer settings with SFT's learning rate, warm-up, schedule and batch size; one update per batch, so a
   * cosine schedule spans every epoch's batches ({@code totalUpdates}).
   */
  private OptimConfig optim(long totalUpdates) {
    OptimConfig o = config.optim();
    SftConfig s = config.sft();
    return new OptimConfig(s.lr(), o.beta1(), o.beta2(), o.eps(), o.weightDecay(), s.warmupSteps(), s.schedule(),
        totalUpdates, s.minLrRatio(), o.maxGradNorm(), o.clipRatioLow(), o.clipRatioHigh(),
        o.lossAgg(), o.entropyCoef(), o.klCoef(), s.batchSize(), Math.min(o.microBatchSize(), s.batchSize()), 1,
        OptimConfig.Aepo.off(), OptimConfig.NegativeClip.off());
  }
}
