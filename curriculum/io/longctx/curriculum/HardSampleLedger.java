package io.longctx.curriculum;

import io.delta.tables.DeltaTable;
import static org.apache.spark.sql.functions.col;

import io.longctx.curriculum.internal.DeltaVersions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code hard_samples} Delta table: one row per (run, sample_id) with the sample's difficulty history,
 * updated by a Delta MERGE after every RL step.
 *
 * <p>Per sample: {@code attempts} (steps it was rolled out in), {@code responses} (total responses),
 * {@code retrospective_attempts} (attempts where it was a retrospective pick), {@code last_mean_reward} (group
 * mean accuracy at the latest attempt), {@code reward_sum} and {@code running_mean_reward} (mean over attempts
 * of the per-step group means), {@code difficulty} = 1 / last_mean_reward (+Infinity when it is 0), phase and
 * step first and last seen, and the policy version of the latest attempt.
 *
 * <p>Idempotent per step: when the run already has a row with {@code step_last_seen} at or after the merged
 * step, the merge commits nothing, and the MERGE itself only updates rows whose {@code step_last_seen} is below
 * the step; so re-applying a step that was already merged (a killed job re-running it) changes nothing. Steps
 * of a run must therefore be merged in increasing order. Every merge is one Delta version; its commit carries the user
 * metadata {@code hard_samples step=<step> run=<run>}, so {@code DESCRIBE HISTORY} maps versions to steps,
 * {@link #versionBeforeStep} finds the state a step's batch must be chosen from, and any earlier state is
 * readable with {@link #readAsOf}.
 */
public final class HardSampleLedger {
  /** The table's columns. */
  public static final StructType SCHEMA =
      new StructType()
          .add("run", DataTypes.StringType, false)
          .add("sample_id", DataTypes.StringType, false)
          .add("attempts", DataTypes.LongType, false)
          .add("responses", DataTypes.LongType, false)
          .add("retrospective_attempts", DataTypes.LongType, false)
          .add("last_mean_reward", DataTypes.DoubleType, false)
          .add("reward_sum", DataTypes.DoubleType, false)
          .add("running_mean_reward", DataTypes.DoubleType, false)
          .add("difficulty", DataTypes.DoubleType, false)
          .add("phase_first_seen", DataTypes.IntegerType, false)
          .add("phase_last_seen", DataTypes.IntegerType, false)
          .add("step_first_seen", DataTypes.LongType, false)
          .add("step_last_seen", DataTypes.LongType, false)
          .add("policy_version", DataTypes.StringType, false);

  private static final StructType SOURCE =
      new StructType()
          .add("run", DataTypes.StringType, false)
          .add("sample_id", DataTypes.StringType, false)
          .add("mean_reward", DataTypes.DoubleType, false)
          .add("responses", DataTypes.LongType, false)
          .add("retro", DataTypes.LongType, false)
          .add("difficulty", DataTypes.DoubleType, false)
          .add("phase", DataTypes.IntegerType, false)
          .add("step", DataTypes.LongType, false)
          .add("policy_version", DataTypes.StringType, false);

  private static final String USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata";
  private static final String MATERIALIZE_SOURCE = "spark.databricks.delta.merge.materializeSource";
  private static final String TAG_PREFIX = "hard_samples step=";

  private final String path;

  public HardSampleLedger(String path) {
    if (path == null || path.isBlank()) {
      throw CurriculumErrors.badArgument("hard_samples path", "must not be empty");
    }
    this.path = path;
  }

  public String path() {
    return path;
  }

  /** What one {@link #merge} did: the Delta version it wrote and the row counts of that MERGE. */
  public record MergeResult(long version, long sourceRows, long inserted, long updated) {
    /** Rows of the step statistics that changed nothing because the step was merged before. */
    public long skipped() {
      return sourceRows - inserted - updated;
    }
  }

  /**
   * Merges one step's per-sample statistics. {@code stepStats} needs {@code sample_id} (string, one row per
   * sample), {@code mean_reward} (group mean accuracy in [0, 1]) and {@code responses} (> 0); an optional
   * {@code pick} column ('fresh' | 'retrospective', as returned by {@link BatchSelector}) counts retrospective
   * attempts. It is evaluated exactly once (collected to the driver: one row per prompt of the step) and
   * validated before anything is written; a bad row fails the merge with an error naming the sample.
   *
   * @throws CurriculumException on a bad row or argument; nothing is written then
   */
  public MergeResult merge(Dataset<Row> stepStats, String run, int phase, long step, String policyVersion) {
    if (run == null || run.isBlank()) {
      throw CurriculumErrors.badArgument("run", "must not be empty");
    }
    if (phase < 1 || step < 1) {
      throw CurriculumErrors.badArgument("phase/step", "phases and steps are numbered from 1, got phase " + phase
          + ", step " + step);
    }
    if (policyVersion == null || policyVersion.isBlank()) {
      throw CurriculumErrors.badArgument("policy version", "must not be empty");
    }
    SparkSession spark = stepStats.sparkSession();
    List<Row> source = sourceRows(StepStats.collect(stepStats, path), run, phase, step, policyVersion);
    DeltaTable table = DeltaTable.createIfNotExists(spark).location(path).addColumns(SCHEMA).execute();
    if (source.isEmpty() || alreadyMerged(table, run, step)) {
      return new MergeResult(DeltaVersions.latest(spark, path), source.size(), 0, 0);
    }
    Dataset<Row> s = spark.createDataFrame(source, SOURCE);
    // The commit is tagged with (step, run); the source is an in-memory relation, deterministic and free to
    // re-read, so Delta need not checkpoint ("materialize") it first.
    Map<String, String> confs = Map.of(USER_METADATA, commitTag(run, step), MATERIALIZE_SOURCE, "none");
    Map<String, String> previous = new LinkedHashMap<>();
    for (Map.Entry<String, String> c : confs.entrySet()) {
      previous.put(c.getKey(), spark.conf().getOption(c.getKey()).getOrElse(() -> null));
      spark.conf().set(c.getKey(), c.getValue());
    }
    try {
      table
          .as("t")
          .merge(s.as("s"), "t.run = s.run AND t.sample_id = s.sample_id")
          .whenMatched("t.step_last_seen < s.step")
          .updateExpr(updates())
          .whenNotMatched()
          .insertExpr(inserts())
          .execute();
    } finally {
      for (Map.Entry<String, String> c : previous.entrySet()) {
        if (c.getValue() == null) {
          spark.conf().unset(c.getKey());
        } else {
          spark.conf().set(c.getKey(), c.getValue());
        }
      }
    }
    return lastMergeResult(table);
  }

  /**
   * Seeds a run's ledger from the start policy's pass rates (the {@code sample_difficulty} rows of one policy:
   * {@code sample_id}, {@code pass_rate}, {@code k}, {@code prompt_tokens}), so retrospective sampling can pick the
   * samples the start policy never solves from the first phase transition on. Each sample becomes one attempt of
   * {@code k} responses at step 0 with mean reward = pass rate, in the phase whose pool holds its prompt length (rows
   * beyond the last cap are skipped). One Delta commit tagged as the run's step 0; does nothing when the run already
   * has ledger rows (a re-run, or a run that trained before), so it is idempotent.
   *
   * @return the version written, or the latest version when nothing was written
   */
  public long seed(Dataset<Row> rates, Curriculum curriculum, String run, String policyVersion) {
    if (run == null || run.isBlank()) {
      throw CurriculumErrors.badArgument("run", "must not be empty");
    }
    SparkSession spark = rates.sparkSession();
    DeltaTable table = DeltaTable.createIfNotExists(spark).location(path).addColumns(SCHEMA).execute();
    if (!table.toDF().where(col("run").equalTo(run)).limit(1).isEmpty()) {
      return DeltaVersions.latest(spark, path);
    }
    org.apache.spark.sql.Column tokens = col("prompt_tokens");
    org.apache.spark.sql.Column phase = org.apache.spark.sql.functions.lit(null).cast(DataTypes.IntegerType);
    List<CurriculumPhase> phases = curriculum.phases();
    for (int i = phases.size() - 1; i >= 0; i--) {
      CurriculumPhase p = phases.get(i);
      phase = org.apache.spark.sql.functions.when(
          tokens.gt(p.minExclusiveTokens()).and(tokens.leq(p.maxInputTokens())), p.number()).otherwise(phase);
    }
    Dataset<Row> s = rates
        .withColumn("phase", phase)
        .where(col("phase").isNotNull())
        .selectExpr("'" + run.replace("'", "''") + "' AS run", "sample_id", "CAST(pass_rate AS DOUBLE) AS mean_reward",
            "CAST(k AS BIGINT) AS responses", "0L AS retro",
            "CASE WHEN pass_rate = 0 THEN double('Infinity') ELSE 1.0D / pass_rate END AS difficulty",
            "CAST(phase AS INT) AS phase", "0L AS step",
            "'" + policyVersion.replace("'", "''") + "' AS policy_version");
    String previous = spark.conf().getOption(USER_METADATA).getOrElse(() -> null);
    spark.conf().set(USER_METADATA, commitTag(run, 0));
    try {
      table.as("t").merge(s.as("s"), "t.run = s.run AND t.sample_id = s.sample_id")
          .whenNotMatched().insertExpr(inserts()).execute();
    } finally {
      if (previous == null) {
        spark.conf().unset(USER_METADATA);
      } else {
        spark.conf().set(USER_METADATA, previous);
      }
    }
    return DeltaVersions.latest(spark, path);
  }

  /** Whether this run already merged this step or a later one (then the whole merge is a no-op). */
  private static boolean alreadyMerged(DeltaTable table, String run, long step) {
    return !table.toDF().where(col("run").equalTo(run).and(col("step_last_seen").geq(step))).limit(1).isEmpty();
  }

  /** As {@link #merge(Dataset, String, int, long, String)} for the step a {@link StepBatch} was chosen for. */
  public MergeResult merge(Dataset<Row> stepStats, String run, PhaseStep at, String policyVersion) {
    return merge(stepStats, run, at.phase().number(), at.globalStep(), policyVersion);
  }

  private static List<Row> sourceRows(
      List<StepStats.Stat> stats, String run, int phase, long step, String policyVersion) {
    List<Row> rows = new ArrayList<>(stats.size());
    for (StepStats.Stat st : stats) {
      double difficulty = st.meanReward() == 0.0 ? Double.POSITIVE_INFINITY : 1.0 / st.meanReward();
      rows.add(RowFactory.create(run, st.sampleId(), st.meanReward(), st.responses(), st.retrospective() ? 1L : 0L,
          difficulty, phase, step, policyVersion));
    }
    return rows;
  }

  private static Map<String, String> updates() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("attempts", "t.attempts + 1");
    m.put("responses", "t.responses + s.responses");
    m.put("retrospective_attempts", "t.retrospective_attempts + s.retro");
    m.put("last_mean_reward", "s.mean_reward");
    m.put("reward_sum", "t.reward_sum + s.mean_reward");
    m.put("running_mean_reward", "(t.reward_sum + s.mean_reward) / (t.attempts + 1)");
    m.put("difficulty", "s.difficulty");
    m.put("phase_last_seen", "s.phase");
    m.put("step_last_seen", "s.step");
    m.put("policy_version", "s.policy_version");
    return m;
  }

  private static Map<String, String> inserts() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("run", "s.run");
    m.put("sample_id", "s.sample_id");
    m.put("attempts", "1");
    m.put("responses", "s.responses");
    m.put("retrospective_attempts", "s.retro");
    m.put("last_mean_reward", "s.mean_reward");
    m.put("reward_sum", "s.mean_reward");
    m.put("running_mean_reward", "s.mean_reward");
    m.put("difficulty", "s.difficulty");
    m.put("phase_first_seen", "s.phase");
    m.put("phase_last_seen", "s.phase");
    m.put("step_first_seen", "s.step");
    m.put("step_last_seen", "s.step");
    m.put("policy_version", "s.policy_version");
    return m;
  }

  private static MergeResult lastMergeResult(DeltaTable table) {
    Row h = table.history(1).select("version", "operationMetrics").head();
    Map<String, String> metrics = h.getJavaMap(1);
    return new MergeResult(
        h.getLong(0),
        metric(metrics, "numSourceRows"),
        metric(metrics, "numTargetRowsInserted"),
        metric(metrics, "numTargetRowsUpdated"));
  }

  private static long metric(Map<String, String> metrics, String name) {
    String v = metrics == null ? null : metrics.get(name);
    return v == null ? 0L : Long.parseLong(v);
  }

  /** The latest state of the ledger (all runs); an empty frame with {@link #SCHEMA} when it does not exist. */
  public Dataset<Row> read(SparkSession spark) {
    long v = DeltaVersions.latest(spark, path);
    return v == DeltaVersions.ABSENT ? spark.createDataFrame(List.of(), SCHEMA) : DeltaVersions.readAt(spark, path, v);
  }

  /** The ledger as it was at a Delta version (time travel), e.g. the version a step's batch was chosen from. */
  public Dataset<Row> readAsOf(SparkSession spark, long version) {
    try {
      return DeltaVersions.readAt(spark, path, version);
    } catch (Exception e) { // Delta's VersionNotFoundException is a checked AnalysisException thrown undeclared
      throw CurriculumErrors.versionNotFound("hard_samples", path, version, e);
    }
  }

  /**
   * The version a step's batch is chosen from: the latest version before the first merge of this run's step
   * {@code step} or any later step, or the latest version when there is none (-1 when the table does not
   * exist). A job killed after merging step s and re-running it therefore sees the same ledger as the first
   * attempt did, and so picks the same batch.
   */
  public long versionBeforeStep(SparkSession spark, String run, long step) {
    long latest = DeltaVersions.latest(spark, path);
    if (latest == DeltaVersions.ABSENT) {
      return latest;
    }
    DeltaTable table = DeltaTable.forPath(spark, path);
    // A run's merge commits have strictly increasing steps (re-applied steps commit nothing), so walking from
    // the newest commit back, the first commit of this run with an earlier step ends the search.
    for (int limit = 32; ; limit *= 4) {
      List<Row> commits =
          table.history(limit).select("version", "userMetadata").orderBy(col("version").desc()).collectAsList();
      long firstAtOrAfter = -1;
      for (Row c : commits) {
        Long tagged = stepOf(c.isNullAt(1) ? null : c.getString(1), run);
        if (tagged == null) {
          continue;
        }
        if (tagged < step) {
          return firstAtOrAfter < 0 ? latest : firstAtOrAfter - 1;
        }
        firstAtOrAfter = c.getLong(0);
      }
      if (commits.size() < limit) {
        return firstAtOrAfter < 0 ? latest : firstAtOrAfter - 1;
      }
    }
  }

  static String commitTag(String run, long step) {
    return TAG_PREFIX + step + " run=" + run;
  }

  /**
   * The step of a ledger MERGE commit of {@code run} from the commit's user metadata
   * ({@code hard_samples step=N run=R}), or null for other commits.
   */
  public static Long stepOf(String userMetadata, String run) {
    if (userMetadata == null || !userMetadata.startsWith(TAG_PREFIX)) {
      return null;
    }
    int space = userMetadata.indexOf(" run=", TAG_PREFIX.length());
    if (space < 0 || !userMetadata.substring(space + 5).equals(run)) {
      return null;
    }
    try {
      return Long.parseLong(userMetadata.substring(TAG_PREFIX.length(), space));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The latest committed version, or -1 when the table does not exist yet. */
  public long latestVersion(SparkSession spark) {
    return DeltaVersions.latest(spark, path);
  }
}
