package io.longctx.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.longctx.curriculum.BatchSelector;
import io.longctx.curriculum.Curriculum;
import io.longctx.curriculum.CurriculumConfig;
import io.longctx.curriculum.CurriculumPhase;
import io.longctx.curriculum.HardSampleLedger;
import io.longctx.curriculum.PhaseStep;
import io.longctx.curriculum.SampleDifficulty;
import io.longctx.curriculum.StepBatch;
import io.longctx.jobs.cli.ProgressBar;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.jobs.config.TrainConfig;
import io.longctx.jobs.train.PolicyState;
import io.longctx.jobs.train.RlStep;
import io.longctx.jobs.train.RunLease;
import io.longctx.jobs.train.RunLeases;
import io.longctx.jobs.train.EntropyControlState;
import io.longctx.jobs.train.StepMetrics;
import io.longctx.jobs.train.StepTables;
import io.longctx.jobs.train.TrainTables;
import io.longctx.jobs.train.TrainTables.CheckpointRecord;
import io.longctx.policy.chat.ChatTemplates;
import io.longctx.policy.lora.LoraConfig;
import io.longctx.policy.tokenizer.ChatFormat;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.policy.train.EntropyControl;
import io.longctx.policy.train.Rollout;
import io.longctx.policy.train.UpdateStats;
import io.longctx.rewards.Judge;
import io.longctx.transforms.judge.JudgeBackends;
import io.longctx.transforms.rollout.RolloutSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * Phased RL (QwenLong-L1): for each step of the curriculum, choose the batch (fresh prompts of the phase's
 * length range plus retrospective hard samples), sample G responses per prompt on the executors, score them,
 * normalise rewards per group, drop zero-variance groups, update the ledger, take the optimizer step on the
 * driver and commit. Runs {@code train.steps-per-invocation} steps (all when 0) and stops; the next invocation
 * with the same {@code train.run} continues from the last committed step. Holds the run's lease throughout, so a
 * second invocation of the run stops before it touches a table.
 */
public final class TrainPolicyJob {
  private final SparkSession spark;
  private final LongctxConfig config;
  private final Warehouse warehouse;
  private Path startCheckpoint;
  private long untilStep = Long.MAX_VALUE;
  private RunLeases leases;
  /** The run's start policy and pinned sample_difficulty version (the pass-rate filter's input). */
  private String difficultyPolicy;
  private long difficultyVersion = -1L;

  public TrainPolicyJob(SparkSession spark, LongctxConfig config, Warehouse warehouse) {
    this.spark = spark;
    this.config = config;
    this.warehouse = warehouse;
  }

  /** Starts a run that has no committed step from this checkpoint (e.g. the SFT result) instead of the default. */
  public TrainPolicyJob optStartCheckpoint(Path dir) {
    this.startCheckpoint = dir;
    return this;
  }

  /** Stops after this global step even if the step budget allows more (e.g. at the end of a phase). */
  public TrainPolicyJob optUntilStep(long step) {
    this.untilStep = step;
    return this;
  }

  /** Takes the run's lease from this holder (e.g. a pipeline that holds it already, or one with --steal-lease). */
  public TrainPolicyJob optLeases(RunLeases runLeases) {
    this.leases = runLeases;
    return this;
  }

  /** What one invocation did. */
  public record Result(String run, long firstStep, long lastStep, long totalSteps, String checkpoint) {
    public boolean finished() {
      return lastStep >= totalSteps;
    }
  }

  public Result execute() {
    RunLeases holder = leases != null ? leases : warehouse.runLeases(spark, config);
    try (RunLease lease = holder.acquire(config.train().run())) {
      return execute(lease);
    }
  }

  private Result execute(RunLease lease) {
    TrainConfig t = config.train();
    String run = t.run();
    StepTables tables = new StepTables(spark);
    String checkpoints = warehouse.table(Warehouse.CHECKPOINTS);
    OptionalLong last = tables.lastCommittedStep(checkpoints, run);
    tables.rollbackUncommitted(
        List.of(warehouse.table(Warehouse.ROLLOUTS), warehouse.table(Warehouse.METRICS)), run, last);

    CheckpointRecord previous = last.isPresent()
        ? TrainTables.read(spark, checkpoints, run, last.getAsLong())
        : commitStart(tables, checkpoints, run);
    CheckpointRecord origin = previous.step() == 0 ? previous : TrainTables.read(spark, checkpoints, run, 0);
    difficultyPolicy = origin.checkpointPath();
    difficultyVersion = origin.difficultyVersion();
    BatchSelector selector = BatchSelector.fromConfig(
        config.curriculum(), warehouse.table(Warehouse.SAMPLES), warehouse.table(Warehouse.HARD_SAMPLES), run,
        t.batchSize(), warehouse.table(Warehouse.SAMPLE_DIFFICULTY), difficultyPolicy, difficultyVersion);
    Curriculum curriculum = selector.curriculum();
    long first = previous.step() + 1;
    long end = Math.min(untilStep, t.stepsPerInvocation() > 0
        ? Math.min(curriculum.totalSteps(), previous.step() + t.stepsPerInvocation())
        : curriculum.totalSteps());
    if (first > end) {
      return new Result(run, first, previous.step(), curriculum.totalSteps(), previous.checkpointPath());
    }
    Judge judge = JudgeBackends.fromConfig(config.rewards().judge());
    ProgressBar bar = new ProgressBar("train " + run, end - first + 1);
    // Step 0 is the starting checkpoint (SFT's last epoch, --from, or the initial weights): RL starts a fresh AdamW
    // and schedule there, as verl does; later steps resume the optimizer state their checkpoint saved.
    try (PolicyState policy = PolicyState.load(Path.of(previous.checkpointPath()), config.optim(),
        config.policy().device(), t.temperature(), previous.step() > 0,
        PolicyState.adapterFor(config, LoraConfig.TRAIN), t.seed())) {
      for (long step = first; step <= end; step++) {
        lease.ensureHeld();
        previous = runStep(step, curriculum.at(step), previous, selector, policy, judge, tables);
        bar.advance(1);
      }
    }
    return new Result(run, first, end, curriculum.totalSteps(), previous.checkpointPath());
  }

  /** Step 0: the starting weights, committed so every later step names its parent. */
  private CheckpointRecord commitStart(StepTables tables, String checkpoints, String run) {
    Path dir = checkpointDir(run, 0);
    Path start = startCheckpoint != null
        ? startCheckpoint
        : PolicyState.initial(config, config.train().seed(), dir);
    long samplesVersion = tables.version(warehouse.table(Warehouse.SAMPLES));
    if (samplesVersion < 0) {
      throw new IllegalStateException("No samples table at " + warehouse.table(Warehouse.SAMPLES)
          + ": run 'longctx curate' first.");
    }
    long dv = seedFromDifficulty(run, start.toAbsolutePath().toString());
    long hv = tables.version(warehouse.table(Warehouse.HARD_SAMPLES));
    CheckpointRecord r = new CheckpointRecord(run, 0, "init", 0, "init", start.toAbsolutePath().toString(),
        samplesVersion, hv, hv, config.train().seed(), null, dv);
    tables.writeSlice(TrainTables.checkpointRow(spark, r), checkpoints, run, 0);
    return r;
  }

  /**
   * With {@code curriculum.pass-rate-filter} enabled: pins the {@code sample_difficulty} version the run's pools are
   * filtered with (its latest, which must hold rows of the start policy) and, with {@code seed-ledger}, seeds the run's
   * hard-sample ledger from those pass rates. Returns the pinned version, or -1 when the filter is off.
   */
  private long seedFromDifficulty(String run, String startPolicy) {
    CurriculumConfig.PassRateFilter f = config.curriculum().passRateFilter();
    if (!f.enabled()) {
      return -1L;
    }
    String table = warehouse.table(Warehouse.SAMPLE_DIFFICULTY);
    long dv = SampleDifficulty.latestVersion(spark, table);
    SampleDifficulty.requireRows(spark, table, startPolicy, dv);
    if (f.seedLedger()) {
      new HardSampleLedger(warehouse.table(Warehouse.HARD_SAMPLES)).seed(
          SampleDifficulty.ratesOf(spark, table, startPolicy, dv), Curriculum.of(config.curriculum()), run,
          startPolicy);
    }
    return dv;
  }

  /**
   * One RL step, stage by stage: sample and score (dynamic sampling's extra batches included), record rollouts and
   * the ledger, build the training batch (old log-probs, entropy controls), optimize, save, commit.
   */
  private CheckpointRecord runStep(long step, PhaseStep at, CheckpointRecord previous, BatchSelector selector,
      PolicyState policy, Judge judge, StepTables tables) {
    String run = config.train().run();
    CurriculumPhase phase = at.phase();
    StepMetrics metrics = new StepMetrics();
    Sampled sampled = sampleAndScore(step, phase, previous, selector, judge, metrics);
    Dataset<Row> scored = sampled.scored();
    HardSampleLedger ledger = new HardSampleLedger(warehouse.table(Warehouse.HARD_SAMPLES));
    HardSampleLedger.MergeResult merged = metrics.timed("io", () -> {
      tables.writeSlice(scored, warehouse.table(Warehouse.ROLLOUTS), run, step);
      return ledger.merge(RlStep.ledgerStats(scored), run, phase.number(), step, previous.checkpointPath());
    });
    List<Row> keptRows = metrics.timed("collect", () -> RlStep.kept(scored).collectAsList());
    TrainingBatch batch = metrics.timed("optimizer", () -> trainingBatch(keptRows, policy, previous));
    List<UpdateStats> updates = metrics.timed("optimizer",
        () -> batch.rollouts().isEmpty() ? List.<UpdateStats>of() : policy.trainer().step(batch.rollouts()));
    Path dir = checkpointDir(run, step);
    metrics.timed("io", () -> {
      policy.save(dir, new TokenizerSpec(config.policy().tokenizer()));
      EntropyControlState.write(dir, batch.aepo());
      return null;
    });
    metrics.summary(RlStep.summary(scored), sampled.extraBatches());
    metrics.entropyControl(batch.control());
    metrics.updates(updates);
    metrics.ledger(ledger.read(spark).where(col("run").equalTo(run)));
    tables.writeSlice(TrainTables.metricRow(spark, run, step, "rl", phase.number(), metrics.values()),
        warehouse.table(Warehouse.METRICS), run, step);
    CheckpointRecord commit = new CheckpointRecord(run, step, "rl", phase.number(), phase.name(),
        dir.toAbsolutePath().toString(), previous.samplesVersion(), previous.hardSamplesVersion(),
        merged.version(), config.train().seed(), previous.checkpointPath());
    tables.writeSlice(TrainTables.checkpointRow(spark, commit), warehouse.table(Warehouse.CHECKPOINTS), run, step);
    return commit;
  }

  /** A step's scored rollouts over all its batches, and how many batches beyond the first were drawn. */
  private record Sampled(Dataset<Row> scored, int extraBatches) {}

  /**
   * Draws the step's batch, samples G responses per prompt on the executors and scores them; with dynamic sampling,
   * draws further batches (new prompts only) while fewer than {@code batch-size} groups have varying accuracy.
   */
  private Sampled sampleAndScore(long step, CurriculumPhase phase, CheckpointRecord previous, BatchSelector selector,
      Judge judge, StepMetrics metrics) {
    TrainConfig t = config.train();
    LongAccumulator modelNanos = spark.sparkContext().longAccumulator("rollout-model-nanos");
    ChatFormat chatFormat = ChatTemplates.forPolicy(config.policy());
    Dataset<Row> all = null;
    int extra = 0;
    for (int attempt = 0; attempt <= (t.dynamicSampling() ? t.maxExtraBatches() : 0); attempt++) {
      extra = attempt; // batches drawn beyond the first
      StepBatch batch = (attempt == 0 ? selector : extraSelector(attempt))
          .replay(spark, step, previous.samplesVersion(), previous.hardSamplesVersion());
      Dataset<Row> prompts = all == null
          ? RlStep.prompts(batch, attempt)
          : RlStep.prompts(batch, attempt).join(all.select("sample_id").distinct(), "sample_id", "left_anti");
      RolloutSpec spec = new RolloutSpec(previous.checkpointPath(), new TokenizerSpec(config.policy().tokenizer()),
          chatFormat, config.policy().device(), t.groupSize(), phase.maxResponseTokens(),
          t.temperature(), t.topP(), t.topK(), t.seed() + 7919L * attempt, step, config.policy().cpuThreads(),
          t.rolloutRowBudget());
      Dataset<Row> rollouts = metrics.timed("rollout", () -> SparkSessions.withJobGroup(spark, "rollouts",
          "step " + step + " rollouts", () -> RlStep.rollouts(prompts, spec, t.rolloutPartitions(), modelNanos)));
      Dataset<Row> scored = metrics.timed("reward", () -> SparkSessions.withJobGroup(spark, "rewards",
          "step " + step + " rewards", () -> RlStep.score(rollouts, config.rewards(), judge, phase)));
      all = all == null ? scored : all.unionByName(scored);
      long kept = all.where(col("kept")).select("sample_id").distinct().count();
      if (!t.dynamicSampling() || kept >= t.batchSize()) {
        break;
      }
    }
    metrics.time("rollout_model", modelNanos.value() / 1e9);
    Dataset<Row> scored = all.withColumn("run", lit(t.run()))
        .withColumn("step", lit(step))
        .withColumn("phase", lit(phase.number()));
    return new Sampled(scored, extra);
  }

  /** The optimizer's batch, what the entropy controls did to it (null when off) and the AEPO gate after it. */
  private record TrainingBatch(List<Rollout> rollouts, EntropyControl.Result control, EntropyControl.AepoState aepo) {}

  /**
   * The kept rollouts as the optimizer's batch: old log-probs recomputed on the driver with the weights that sampled,
   * before the first update (as verl); with AEPO or negative clipping also the per-token entropies they act on.
   */
  private TrainingBatch trainingBatch(List<Row> keptRows, PolicyState policy, CheckpointRecord previous) {
    List<int[]> promptIds = new ArrayList<>();
    List<int[]> responseIds = new ArrayList<>();
    for (Row r : keptRows) {
      promptIds.add(ints(r.getList(0)));
      responseIds.add(ints(r.getList(1)));
    }
    policy.useAllCores(config.policy().cpuThreads());
    boolean control = config.optim().needsOldEntropy();
    PolicyState.TokenStats old =
        policy.scores(promptIds, responseIds, config.optim().microBatchSize(), control);
    List<Rollout> batch = new ArrayList<>();
    double[] rewards = new double[keptRows.size()];
    for (int i = 0; i < keptRows.size(); i++) {
      Row r = keptRows.get(i);
      batch.add(Rollout.of(promptIds.get(i), responseIds.get(i), old.logProbs().get(i), (float) r.getDouble(3)));
      rewards[i] = r.getDouble(4);
    }
    EntropyControl.AepoState gate = EntropyControlState.read(Path.of(previous.checkpointPath()));
    if (!control) {
      return new TrainingBatch(batch, null, gate);
    }
    EntropyControl.Result r = EntropyControl.apply(config.optim(), gate, batch, rewards, old.entropies());
    return new TrainingBatch(r.batch(), r, r.state());
  }

  /** Extra batches of dynamic sampling draw from the same phase pool with a seed of their own. */
  private BatchSelector extraSelector(int attempt) {
    return BatchSelector.builder()
        .setCurriculum(Curriculum.of(config.curriculum()))
        .setSamplesPath(warehouse.table(Warehouse.SAMPLES))
        .setHardSamplesPath(warehouse.table(Warehouse.HARD_SAMPLES))
        .setRun(config.train().run())
        .setSeed(config.curriculum().seed() + 1_000_003L * attempt)
        .setBatchSize(config.train().batchSize())
        .optTaskBalance(config.curriculum().taskBalance())
        .optPassRateFilter(config.curriculum().passRateFilter(), warehouse.table(Warehouse.SAMPLE_DIFFICULTY),
            difficultyPolicy, difficultyVersion)
        .build();
  }

  Path checkpointDir(String run, long step) {
    return warehouse.dir("checkpoint-files").resolve(run).resolve(String.format("step-%06d", step));
  }

  static int[] ints(List<Integer> l) {
    int[] a = new int[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = l.get(i);
    }
    return a;
  }

  static float[] floats(List<Float> l) {
    float[] a = new float[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = l.get(i);
    }
    return a;
  }
}
