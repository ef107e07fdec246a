package io.longctx.jobs;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.longctx.curriculum.Curriculum;
import io.longctx.curriculum.CurriculumConfig;
import io.longctx.curriculum.CurriculumPhase;
import io.longctx.curriculum.SampleDifficulty;
import io.longctx.curriculum.StepBatch;
import io.longctx.jobs.cli.ProgressBar;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.jobs.config.TrainConfig;
import io.longctx.jobs.train.RlStep;
import io.longctx.jobs.train.StepTables;
import io.longctx.jobs.train.TrainTables;
import io.longctx.policy.chat.ChatTemplates;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.rewards.HybridReward;
import io.longctx.rewards.Judge;
import io.longctx.transforms.judge.JudgeBackends;
import io.longctx.transforms.rollout.RolloutSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Pass-rate scoring before RL (QwenLong-L1.5's difficulty filter): every curated sample within the RL phases'
 * prompt lengths (or every sample) is rolled out k times with the start policy and scored exactly as an RL step
 * scores ({@link RlStep#rollouts}, {@link RlStep#score} with the phase's response budget); the pass rate (share of
 * responses with reward >= 1) and mean response length go to the {@code sample_difficulty} table, one row per
 * (policy_checkpoint, sample_id).
 *
 * <p>Resumable and idempotent: samples are scored in chunks of a deterministic order, each chunk one Delta MERGE on
 * (policy_checkpoint, sample_id); a run scores only the samples that have no row of this policy with this k, so a
 * killed run continues and a finished one does nothing (nightly-safe). {@link #optRescore} replaces the policy's
 * rows. Sampling is seeded by (train.seed, sample_id), so re-scoring the same policy gives the same rows.
 */
public final class ScoreDifficultyJob {
  /** Prompts per chunk (one rollout stage and one MERGE each). */
  public static final int DEFAULT_CHUNK = 64;

  private final SparkSession spark;
  private final LongctxConfig config;
  private final Warehouse warehouse;
  private Path policy;
  private Integer k;
  private Boolean allSamples;
  private boolean rescore;
  private int chunk = DEFAULT_CHUNK;

  public ScoreDifficultyJob(SparkSession spark, LongctxConfig config, Warehouse warehouse) {
    this.spark = spark;
    this.config = config;
    this.warehouse = warehouse;
  }

  /** Scores with this checkpoint instead of the run's start policy ({@link #startPolicy}). */
  public ScoreDifficultyJob optPolicy(Path checkpoint) {
    this.policy = checkpoint;
    return this;
  }

  /** Responses per sample; default {@code curriculum.pass-rate-filter.k}. */
  public ScoreDifficultyJob optK(int responses) {
    this.k = responses;
    return this;
  }

  /** Scores every curated sample, not only those within the phases' prompt lengths. */
  public ScoreDifficultyJob optAllSamples(boolean all) {
    this.allSamples = all;
    return this;
  }

  /** Deletes this policy's rows first and scores everything again. */
  public ScoreDifficultyJob optRescore(boolean again) {
    this.rescore = again;
    return this;
  }

  public ScoreDifficultyJob optChunk(int prompts) {
    if (prompts <= 0) {
      throw new IllegalArgumentException("chunk must be > 0, got " + prompts);
    }
    this.chunk = prompts;
    return this;
  }

  /**
   * What one invocation did.
   *
   * @param policyCheckpoint the scored policy (absolute path, as the training run records its start)
   * @param scored samples scored by this invocation
   * @param skipped target samples that already had a row of this policy and k
   * @param meanPassRate mean pass rate over this policy's rows after the invocation
   * @param table the Delta table's path and version after it
   */
  public record Result(String policyCheckpoint, String policyVersion, int k, long scored, long skipped,
      double meanPassRate, String table, long version) {}

  public Result execute() {
    CurriculumConfig.PassRateFilter f = config.curriculum().passRateFilter();
    int responses = k != null ? k : f.k();
    if (responses <= 0) {
      throw new IllegalArgumentException("--k must be > 0, got " + responses);
    }
    boolean all = allSamples != null ? allSamples : f.allSamples();
    Path start = policy != null ? policy : startPolicy(spark, config, warehouse);
    if (start == null) {
      throw new IllegalStateException("No start policy for run '" + config.train().run() + "': no step 0 in "
          + warehouse.table(Warehouse.CHECKPOINTS) + " and no warm-up SFT checkpoint. Pass --from DIR.");
    }
    if (!Files.isDirectory(start)) {
      throw new IllegalArgumentException("Policy checkpoint " + start + " is not a directory.");
    }
    String policyPath = start.toAbsolutePath().toString();
    String table = warehouse.table(Warehouse.SAMPLE_DIFFICULTY);
    StepTables tables = new StepTables(spark);
    long sv = tables.version(warehouse.table(Warehouse.SAMPLES));
    if (sv < 0) {
      throw new IllegalStateException("No samples table at " + warehouse.table(Warehouse.SAMPLES)
          + ": run 'longctx curate' first.");
    }
    DeltaTable delta = DeltaTable.createIfNotExists(spark).location(table)
        .addColumns(SampleDifficulty.SCHEMA).execute();
    if (rescore) {
      delta.delete(col("policy_checkpoint").equalTo(policyPath));
    }
    Curriculum curriculum = Curriculum.of(config.curriculum());
    Dataset<Row> samples = spark.read().format("delta").option("versionAsOf", sv)
        .load(warehouse.table(Warehouse.SAMPLES));
    if (!all) {
      Column range = lit(false);
      for (CurriculumPhase p : curriculum.phases()) {
        range = range.or(col("prompt_tokens").gt(p.minExclusiveTokens())
            .and(col("prompt_tokens").leq(p.maxInputTokens())));
      }
      samples = samples.where(range);
    }
    Dataset<Row> done = delta.toDF()
        .where(col("policy_checkpoint").equalTo(policyPath).and(col("k").equalTo(responses)))
        .select("sample_id");
    List<Row> targets = samples.select("sample_id", "prompt_tokens").orderBy("sample_id").collectAsList();
    Set<String> have = new TreeSet<>();
    for (Row r : done.collectAsList()) {
      have.add(r.getString(0));
    }
    // Chunks by the phase whose response budget scores the sample (beyond the last cap: the last phase's; below
    // the first phase's lower bound: the first phase's), in sample_id order.
    Map<Integer, List<String>> byPhase = new TreeMap<>();
    long skipped = 0;
    for (Row r : targets) {
      if (have.contains(r.getString(0))) {
        skipped++;
        continue;
      }
      byPhase.computeIfAbsent(phaseOf(curriculum, r.getInt(1)).number(), n -> new ArrayList<>()).add(r.getString(0));
    }
    long todo = byPhase.values().stream().mapToLong(List::size).sum();
    String policyVersion = policyVersion(policyPath);
    Long policyStep = policyStep(policyPath);
    if (todo > 0) {
      Judge judge = JudgeBackends.fromConfig(config.rewards().judge());
      ProgressBar bar = new ProgressBar("difficulty k=" + responses, todo);
      for (Map.Entry<Integer, List<String>> e : byPhase.entrySet()) {
        CurriculumPhase phase = curriculum.phase(e.getKey());
        List<String> ids = e.getValue();
        for (int from = 0; from < ids.size(); from += chunk) {
          List<String> part = ids.subList(from, Math.min(ids.size(), from + chunk));
          Dataset<Row> scored = scoreChunk(samples, part, phase, start, responses, judge);
          Dataset<Row> rows = rates(scored, responses, policyPath, policyVersion, policyStep, sv);
          delta.as("t").merge(rows.as("s"), "t.policy_checkpoint = s.policy_checkpoint AND t.sample_id = s.sample_id")
              .whenMatched().updateAll().whenNotMatched().insertAll().execute();
          bar.advance(part.size());
        }
      }
    }
    Row mean = delta.toDF().where(col("policy_checkpoint").equalTo(policyPath)).agg(avg("pass_rate")).first();
    return new Result(policyPath, policyVersion, responses, todo, skipped,
        mean.isNullAt(0) ? Double.NaN : mean.getDouble(0), table, tables.version(table));
  }

  /** The rollouts of one chunk, scored as an RL step of this phase scores them. */
  private Dataset<Row> scoreChunk(Dataset<Row> samples, List<String> ids, CurriculumPhase phase, Path start,
      int responses, Judge judge) {
    TrainConfig t = config.train();
    Dataset<Row> prompts = samples.where(col("sample_id").isin(ids.toArray()))
        .select(col("sample_id"), col("data_source"), col("question"), col("prompt"), col("prompt_tokens"),
            col("bucket"), lit(StepBatch.FRESH).as("pick"), lit(0).as("batch_index"), col("answer").as("gold"),
            lit(0).as("attempt"));
    RolloutSpec spec = new RolloutSpec(start.toAbsolutePath().toString(),
        new TokenizerSpec(config.policy().tokenizer()), ChatTemplates.forPolicy(config.policy()),
        config.policy().device(), responses, phase.maxResponseTokens(), t.temperature(), t.topP(), t.topK(),
        t.seed(), 0L, config.policy().cpuThreads(), Math.max(t.rolloutRowBudget(), responses));
    Dataset<Row> rollouts = SparkSessions.withJobGroup(spark, "difficulty", "difficulty rollouts",
        () -> RlStep.rollouts(prompts, spec, t.rolloutPartitions(), null));
    return RlStep.score(rollouts, config.rewards(), judge, phase);
  }

  /** Per-sample rows of the table from scored rollouts (accuracy = reward >= 1, as the ledger counts it). */
  static Dataset<Row> rates(Dataset<Row> scored, int k, String policyPath, String policyVersion, Long policyStep,
      long samplesVersion) {
    return scored.groupBy("sample_id")
        .agg(first("data_source").as("data_source"), first("bucket").cast("int").as("bucket"),
            first("prompt_tokens").cast("int").as("prompt_tokens"),
            count(lit(1)).cast("int").as("n"),
            avg(when(col(HybridReward.REWARD).geq(1.0), 1.0).otherwise(0.0)).as("pass_rate"),
            avg(col("response_tokens").cast("double")).as("mean_response_tokens"))
        .select(col("sample_id"), col("data_source"), col("bucket"), col("prompt_tokens"), col("n").as("k"),
            col("pass_rate"), col("mean_response_tokens"), lit(policyPath).as("policy_checkpoint"),
            lit(policyVersion).as("policy_version"), lit(policyStep).cast("long").as("policy_step"),
            lit(samplesVersion).as("samples_version"), current_timestamp().as("scored_at"));
  }

  private static CurriculumPhase phaseOf(Curriculum curriculum, int promptTokens) {
    CurriculumPhase p = curriculum.phaseForPromptTokens(promptTokens);
    if (p != null) {
      return p;
    }
    List<CurriculumPhase> phases = curriculum.phases();
    return promptTokens > phases.get(phases.size() - 1).maxInputTokens() ? phases.get(phases.size() - 1)
        : phases.get(0);
  }

  /** The commit that produced the checkpoint ({@code <run>/<kind>@<step>}), or {@code external}. */
  private String policyVersion(String policyPath) {
    Row r = checkpointRow(policyPath);
    return r == null ? "external" : r.getString(0) + "/" + r.getString(1) + "@" + r.getLong(2);
  }

  private Long policyStep(String policyPath) {
    Row r = checkpointRow(policyPath);
    return r == null ? null : r.getLong(2);
  }

  private Row checkpointRow(String policyPath) {
    String path = warehouse.table(Warehouse.CHECKPOINTS);
    if (!new StepTables(spark).exists(path)) {
      return null;
    }
    List<Row> rows = spark.read().format("delta").load(path)
        .where(col("checkpoint_path").equalTo(policyPath).and(col("kind").notEqual("init")))
        .select("run", "kind", "step").orderBy(col("step").desc()).limit(1).collectAsList();
    return rows.isEmpty() ? null : rows.get(0);
  }

  /**
   * The policy a run of {@code train.run} starts from: its step-0 checkpoint when the run has started, else the last
   * warm-up SFT checkpoint when SFT is enabled and has run, else null.
   */
  public static Path startPolicy(SparkSession spark, LongctxConfig config, Warehouse wh) {
    StepTables tables = new StepTables(spark);
    String checkpoints = wh.table(Warehouse.CHECKPOINTS);
    String run = config.train().run();
    if (tables.lastCommittedStep(checkpoints, run).isPresent()) {
      return Path.of(TrainTables.read(spark, checkpoints, run, 0).checkpointPath());
    }
    if (!config.sft().enabled()) {
      return null;
    }
    OptionalLong last = tables.lastCommittedStep(checkpoints, WarmupSftJob.runId(config));
    if (last.isEmpty() || last.getAsLong() == 0) {
      return null;
    }
    return Path.of(TrainTables.read(spark, checkpoints, WarmupSftJob.runId(config), last.getAsLong())
        .checkpointPath());
  }

  /** Whether the table has rows of this policy (the pipeline's skip test). */
  public static boolean hasRows(SparkSession spark, Warehouse wh, Path policy) {
    String table = wh.table(Warehouse.SAMPLE_DIFFICULTY);
    long v = SampleDifficulty.latestVersion(spark, table);
    return !SampleDifficulty.ratesOf(spark, table, policy.toAbsolutePath().toString(), v).limit(1).isEmpty();
  }
}
