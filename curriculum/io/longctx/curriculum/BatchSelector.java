package io.longctx.curriculum;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import io.longctx.curriculum.internal.DeltaVersions;
import io.longctx.curriculum.internal.FreshStream;
import io.longctx.curriculum.internal.SampleKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Chooses the batch of one RL step from the {@code samples} table plus retrospective picks from
 * {@code hard_samples}. The training job calls {@link #select} once per step.
 *
 * <p>Fresh picks walk the phase pool (prompt_tokens in the phase's (L_{k-1}, L_k]) epoch by epoch: each epoch is
 * a seeded permutation, so every sample of the pool is used once before any repeats. Step s of a phase takes
 * stream positions [(s-1)q, sq) with q = batch size - retrospective quota. The retrospective quota is filled by
 * the {@link RetrospectiveSampler}; when it finds fewer candidates, the shortfall is topped up with further
 * fresh samples chosen by a (seed, step) hash among the pool minus this step's fresh picks. The choice depends
 * only on (seed, step, table contents), never on partitioning, and the Delta versions read are returned so that
 * {@link #replay} reproduces it exactly with time travel.
 *
 * <p>With task balance ({@link CurriculumConfig.TaskBalance}, QwenLong-L1.5) the same happens per task
 * ({@code data_source}): {@link TaskShares} divides the batch and the retrospective quota between the phase pool's
 * tasks, each task's fresh picks walk that task's own stream, its retrospective picks come from its own hard
 * samples, and a retrospective shortfall is topped up from the same task.
 */
public final class BatchSelector {
  private static final StructType PICKS =
      new StructType()
          .add("_pick_id", DataTypes.StringType, false)
          .add("pick", DataTypes.StringType, false)
          .add("batch_index", DataTypes.IntegerType, false);

  /** Default driver-side cache limit of one epoch's ids (about 60 bytes each). */
  public static final long DEFAULT_MAX_CACHED_POOL_IDS = 500_000;

  private final Curriculum curriculum;
  private final String samplesPath;
  private final String hardSamplesPath;
  private final String run;
  private final long seed;
  private final int batchSize;
  private final RetrospectiveSampler retrospective;
  private final CurriculumConfig.TaskBalance taskBalance;
  /** Task sizes of a pool by (samples version, phase), sorted by task. */
  private final Map<String, Map<String, Long>> poolTasks = new ConcurrentHashMap<>();
  /** Pool sizes by (samples version, phase): a pinned version's pool never changes, so count it once. */
  private final Map<String, Long> poolSizes = new ConcurrentHashMap<>();
  private final FreshStream freshStream;
  private final PassRateBand passRate;

  private BatchSelector(Builder b) {
    this.curriculum = b.curriculum;
    this.samplesPath = b.samplesPath;
    this.hardSamplesPath = b.hardSamplesPath;
    this.run = b.run;
    this.seed = b.seed;
    this.batchSize = b.batchSize;
    this.retrospective = b.retrospective;
    this.taskBalance = b.taskBalance;
    this.freshStream = new FreshStream(b.maxCachedPoolIds);
    this.passRate = b.passRate;
  }

  /**
   * The pass-rate filter: a phase pool keeps the samples whose {@code sample_difficulty} row of {@code policy} at
   * the pinned table {@code version} has a pass rate in the band (and, with keep-unscored, those without a row).
   */
  private record PassRateBand(CurriculumConfig.PassRateFilter filter, String path, String policy, long version) {
    Dataset<Row> apply(SparkSession spark, Dataset<Row> pool) {
      Dataset<Row> rates = SampleDifficulty.ratesOf(spark, path, policy, version);
      Column in = col("pass_rate").geq(filter.min()).and(col("pass_rate").lt(filter.max()));
      if (filter.keepUnscored()) {
        return pool.join(rates.where(not(in)).select("sample_id").distinct(), "sample_id", "left_anti");
      }
      return pool.join(rates.where(in).select("sample_id").distinct(), "sample_id", "left_semi");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A selector wired from the config section: its phases, seed and retrospective settings. */
  public static BatchSelector fromConfig(
      CurriculumConfig config, String samplesPath, String hardSamplesPath, String run, int batchSize) {
    return configured(config, samplesPath, hardSamplesPath, run, batchSize).build();
  }

  private static Builder configured(
      CurriculumConfig config, String samplesPath, String hardSamplesPath, String run, int batchSize) {
    return builder()
        .setCurriculum(Curriculum.of(config))
        .setSamplesPath(samplesPath)
        .setHardSamplesPath(hardSamplesPath)
        .setRun(run)
        .setSeed(config.seed())
        .setBatchSize(batchSize)
        .optRetrospective(RetrospectiveSampler.of(config.retrospective()))
        .optTaskBalance(config.taskBalance());
  }

  /**
   * As {@link #fromConfig(CurriculumConfig, String, String, String, int)} with the pass-rate filter of the config
   * applied (when enabled) from the {@code sample_difficulty} rows of {@code policyCheckpoint} at the pinned
   * {@code difficultyVersion}.
   */
  public static BatchSelector fromConfig(CurriculumConfig config, String samplesPath, String hardSamplesPath,
      String run, int batchSize, String difficultyPath, String policyCheckpoint, long difficultyVersion) {
    return configured(config, samplesPath, hardSamplesPath, run, batchSize)
        .optPassRateFilter(config.passRateFilter(), difficultyPath, policyCheckpoint, difficultyVersion)
        .build();
  }

  public Curriculum curriculum() {
    return curriculum;
  }

  /**
   * Chooses the batch of a 1-based global step from the latest {@code samples} version and the ledger as it was
   * before this run merged this step ({@link HardSampleLedger#versionBeforeStep}), so re-running a step after
   * its merge picks the same batch.
   */
  public StepBatch select(SparkSession spark, long globalStep) {
    long sv = DeltaVersions.latest(spark, samplesPath);
    if (sv == DeltaVersions.ABSENT) {
      throw CurriculumErrors.notADeltaTable("samples", samplesPath);
    }
    return select(spark, globalStep, sv);
  }

  /**
   * As {@link #select(SparkSession, long)} with the {@code samples} version pinned: a job that pins it for the
   * whole run (e.g. the version its first step read) picks the same batches when resumed, even if the samples
   * table was appended to in between.
   */
  public StepBatch select(SparkSession spark, long globalStep, long samplesVersion) {
    curriculum.at(globalStep);
    long hv = new HardSampleLedger(hardSamplesPath).versionBeforeStep(spark, run, globalStep);
    return choose(spark, globalStep, samplesVersion, hv);
  }

  /** Chooses the batch of a step exactly as it was chosen from the given table versions (time travel). */
  public StepBatch replay(SparkSession spark, long globalStep, long samplesVersion, long hardSamplesVersion) {
    return choose(spark, globalStep, samplesVersion, hardSamplesVersion);
  }

  private StepBatch choose(SparkSession spark, long globalStep, long sv, long hv) {
    PhaseStep at = curriculum.at(globalStep);
    CurriculumPhase phase = at.phase();
    Dataset<Row> samples = readSamples(spark, sv);
    Column tokens = col("prompt_tokens");
    Dataset<Row> inRange =
        samples
            .where(tokens.gt(phase.minExclusiveTokens()).and(tokens.leq(phase.maxInputTokens())))
            .select("sample_id");
    String poolKey = sv + "/" + phase.number();
    Dataset<Row> pool = inRange;
    if (passRate != null) {
      if (poolSizes.computeIfAbsent(poolKey, k -> inRange.count()) == 0) {
        throw CurriculumErrors.emptyPhasePool(phase, samplesPath, sv);
      }
      pool = passRate.apply(spark, inRange);
      poolKey += "/difficulty@" + passRate.version();
    }
    Dataset<Row> filtered = pool;
    long poolSize = poolSizes.computeIfAbsent(poolKey, k -> filtered.count());
    if (poolSize == 0) {
      throw passRate == null
          ? CurriculumErrors.emptyPhasePool(phase, samplesPath, sv)
          : CurriculumErrors.filteredPhasePool(phase, passRate.filter(), passRate.policy(), passRate.path(),
              passRate.version());
    }
    int retroQuota = retrospective.appliesTo(phase) ? retrospective.quota(batchSize) : 0;
    if (taskBalance.enabled()) {
      return chooseBalanced(spark, at, samples, poolKey, retroQuota, sv, hv);
    }
    int stride = batchSize - retroQuota;
    List<String> retro = new ArrayList<>();
    if (retroQuota > 0 && hv != DeltaVersions.ABSENT) {
      Dataset<Row> ledger = readLedger(spark, hv);
      retro = retrospective.pick(retrospective.candidates(ledger, samples, run, phase), seed, globalStep, retroQuota);
    }
    long from = (long) (at.stepInPhase() - 1) * stride;
    List<String> fresh =
        new ArrayList<>(freshStream.slice(pool, poolKey, poolSize, seed, phase.number(), from, stride));
    int shortfall = retroQuota - retro.size();
    if (shortfall > 0) {
      fresh.addAll(topUp(pool, fresh, globalStep, shortfall));
    }
    List<StepBatch.Pick> picks = new ArrayList<>(fresh.size() + retro.size());
    for (String id : fresh) {
      picks.add(new StepBatch.Pick(picks.size(), id, StepBatch.FRESH));
    }
    for (String id : retro) {
      picks.add(new StepBatch.Pick(picks.size(), id, StepBatch.RETROSPECTIVE));
    }
    return new StepBatch(at, seed, sv, hv, picks, rows(spark, samples, picks));
  }

  /** {@link #choose} with task balance: the same rules applied per task of the phase pool. */
  private StepBatch chooseBalanced(SparkSession spark, PhaseStep at, Dataset<Row> samples, String poolKey,
      int retroQuota, long sv, long hv) {
    CurriculumPhase phase = at.phase();
    Column tokens = col("prompt_tokens");
    Column task = taskColumn();
    Dataset<Row> inRange = samples
        .where(tokens.gt(phase.minExclusiveTokens()).and(tokens.leq(phase.maxInputTokens())))
        .select(col("sample_id"), task.as("_task"));
    Dataset<Row> pool = passRate == null ? inRange : passRate.apply(spark, inRange);
    Map<String, Long> sizes = poolTasks.computeIfAbsent(poolKey, k -> taskSizes(pool));
    Map<String, Double> weights = TaskShares.weights(new ArrayList<>(sizes.keySet()), taskBalance.shares());
    if (weights.isEmpty()) {
      throw CurriculumErrors.noBalancedTask(phase, sizes.keySet(), taskBalance.shares().keySet());
    }
    List<String> tasks = new ArrayList<>(weights.keySet());
    int[] slots = TaskShares.apportion(batchSize, weights, seed, at.globalStep());
    int[] retroSlots = retroSlots(retroQuota, weights, at.globalStep(), slots);
    Dataset<Row> candidates = null;
    if (retroQuota > 0 && hv != DeltaVersions.ABSENT) {
      candidates = retrospective.candidates(readLedger(spark, hv), samples, run, phase)
          .join(samples.select(col("sample_id"), task.as("_task")), "sample_id");
    }
    List<StepBatch.Pick> picks = new ArrayList<>(batchSize);
    List<String> retroAll = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      String t = tasks.get(i);
      Dataset<Row> taskPool = pool.where(col("_task").equalTo(t)).select("sample_id");
      long from = 0;
      for (int j = 1; j < at.stepInPhase(); j++) {
        long g = at.globalStep() - (at.stepInPhase() - j);
        int[] sj = TaskShares.apportion(batchSize, weights, seed, g);
        from += sj[i] - retroSlots(retroQuota, weights, g, sj)[i];
      }
      int freshCount = slots[i] - retroSlots[i];
      List<String> fresh = new ArrayList<>(freshStream.slice(
          taskPool, poolKey + "/task=" + t, sizes.get(t), seed, phase.number(), from, freshCount));
      List<String> retro = candidates == null || retroSlots[i] == 0 ? List.of()
          : retrospective.pick(candidates.where(col("_task").equalTo(t)).drop("_task"), seed, at.globalStep(),
              retroSlots[i]);
      int shortfall = retroSlots[i] - retro.size();
      if (shortfall > 0) {
        fresh.addAll(topUp(taskPool, fresh, at.globalStep(), shortfall));
      }
      for (String id : fresh) {
        picks.add(new StepBatch.Pick(picks.size(), id, StepBatch.FRESH));
      }
      retroAll.addAll(retro);
    }
    for (String id : retroAll) {
      picks.add(new StepBatch.Pick(picks.size(), id, StepBatch.RETROSPECTIVE));
    }
    return new StepBatch(at, seed, sv, hv, picks, rows(spark, samples, picks));
  }

  /** The retrospective quota divided between tasks like the batch, never above a task's slots. */
  private int[] retroSlots(int retroQuota, Map<String, Double> weights, long globalStep, int[] slots) {
    int[] r = TaskShares.apportion(retroQuota, weights, seed ^ 0x5EEDL, globalStep);
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.min(r[i], slots[i]);
    }
    return r;
  }

  /** The task of a sample: its {@code data_source} ("unknown" when null). */
  static Column taskColumn() {
    return org.apache.spark.sql.functions.coalesce(col("data_source"), org.apache.spark.sql.functions.lit("unknown"));
  }

  private static Map<String, Long> taskSizes(Dataset<Row> pool) {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (Row r : pool.groupBy(col("_task")).count().collectAsList()) {
      out.put(r.getString(0), r.getLong(1));
    }
    return out;
  }

  private List<String> topUp(Dataset<Row> pool, List<String> exclude, long globalStep, int n) {
    Dataset<Row> rest = pool.where(not(col("sample_id").isin(exclude.toArray())));
    Dataset<Row> top =
        rest.withColumn("_topup_key", SampleKeys.hashKey("top-up", seed, globalStep, 0L, col("sample_id")))
            .orderBy(col("_topup_key"), col("sample_id"))
            .limit(n)
            .select("sample_id");
    List<String> out = new ArrayList<>(n);
    for (Row r : top.collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }

  private static Dataset<Row> rows(SparkSession spark, Dataset<Row> samples, List<StepBatch.Pick> picks) {
    List<Row> rows = new ArrayList<>(picks.size());
    for (StepBatch.Pick p : picks) {
      rows.add(RowFactory.create(p.sampleId(), p.pick(), p.batchIndex()));
    }
    Dataset<Row> chosen = broadcast(spark.createDataFrame(rows, PICKS));
    return samples.join(chosen, samples.col("sample_id").equalTo(chosen.col("_pick_id"))).drop("_pick_id");
  }

  private Dataset<Row> readSamples(SparkSession spark, long version) {
    Dataset<Row> samples;
    try {
      samples = DeltaVersions.readAt(spark, samplesPath, version);
    } catch (Exception e) { // Delta's VersionNotFoundException is a checked AnalysisException thrown undeclared
      throw CurriculumErrors.versionNotFound("samples", samplesPath, version, e);
    }
    List<String> cols = Arrays.asList(samples.columns());
    List<String> missing = new ArrayList<>();
    for (String c : List.of("sample_id", "prompt_tokens")) {
      if (!cols.contains(c)) {
        missing.add(c);
      }
    }
    if (!missing.isEmpty()) {
      throw CurriculumErrors.missingColumns("samples table", samplesPath, missing, cols);
    }
    return samples;
  }

  private Dataset<Row> readLedger(SparkSession spark, long version) {
    return new HardSampleLedger(hardSamplesPath).readAsOf(spark, version);
  }

  /** Builder: {@code set...} settings are required, {@code opt...} ones optional. */
  public static final class Builder {
    private Curriculum curriculum;
    private String samplesPath;
    private String hardSamplesPath;
    private String run;
    private Long seed;
    private int batchSize;
    private RetrospectiveSampler retrospective = RetrospectiveSampler.disabled();
    private CurriculumConfig.TaskBalance taskBalance = CurriculumConfig.TaskBalance.off();
    private long maxCachedPoolIds = DEFAULT_MAX_CACHED_POOL_IDS;
    private PassRateBand passRate;

    private Builder() {}

    /**
     * The pass-rate filter ({@code curriculum.pass-rate-filter}): phase pools keep only samples whose pass rate
     * under {@code policyCheckpoint}, read from the {@code sample_difficulty} table at {@code difficultyVersion}
     * (pinned by the job so that replay reproduces the pools), is in the filter's band. Ignored when the filter is
     * disabled.
     */
    public Builder optPassRateFilter(CurriculumConfig.PassRateFilter filter, String difficultyPath,
        String policyCheckpoint, long difficultyVersion) {
      this.passRate = filter == null || !filter.enabled()
          ? null
          : new PassRateBand(filter, difficultyPath, policyCheckpoint, difficultyVersion);
      return this;
    }

    public Builder setCurriculum(Curriculum curriculum) {
      this.curriculum = curriculum;
      return this;
    }

    public Builder setSamplesPath(String samplesPath) {
      this.samplesPath = samplesPath;
      return this;
    }

    public Builder setHardSamplesPath(String hardSamplesPath) {
      this.hardSamplesPath = hardSamplesPath;
      return this;
    }

    public Builder setRun(String run) {
      this.run = run;
      return this;
    }

    public Builder setSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder setBatchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    /** Retrospective picks; without it every batch is fresh (the ablation). */
    public Builder optRetrospective(RetrospectiveSampler retrospective) {
      this.retrospective = Objects.requireNonNull(retrospective, "retrospective");
      return this;
    }

    /** Task-balanced batches (default off: every batch is drawn from the whole phase pool). */
    public Builder optTaskBalance(CurriculumConfig.TaskBalance taskBalance) {
      this.taskBalance = Objects.requireNonNull(taskBalance, "taskBalance");
      taskBalance.validate();
      return this;
    }

    /**
     * Pools up to this many samples keep their current epoch's order (ids only) on the driver, so most steps
     * run no Spark job for fresh picks; 0 always queries. Default {@value BatchSelector#DEFAULT_MAX_CACHED_POOL_IDS}.
     */
    public Builder optMaxCachedPoolIds(long maxCachedPoolIds) {
      this.maxCachedPoolIds = maxCachedPoolIds;
      return this;
    }

    public BatchSelector build() {
      require(curriculum != null, "curriculum", "setCurriculum(...) is required");
      require(samplesPath != null && !samplesPath.isBlank(), "samples path", "setSamplesPath(...) is required");
      require(hardSamplesPath != null && !hardSamplesPath.isBlank(), "hard_samples path",
          "setHardSamplesPath(...) is required");
      require(run != null && !run.isBlank(), "run", "setRun(...) is required");
      require(seed != null, "seed", "setSeed(...) is required");
      if (batchSize <= 0) {
        throw CurriculumErrors.badBatchSize(batchSize);
      }
      return new BatchSelector(this);
    }

    private static void require(boolean ok, String name, String reason) {
      if (!ok) {
        throw CurriculumErrors.badArgument(name, reason);
      }
    }
  }
}
