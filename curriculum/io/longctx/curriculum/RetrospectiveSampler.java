package io.longctx.curriculum;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.longctx.curriculum.internal.SampleKeys;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Difficulty-aware retrospective sampling: which hard samples from earlier phases re-enter a phase's batches,
 * and how many per batch.
 *
 * <p>Candidates for phase k are the run's ledger rows first seen in a phase before k whose sample is still in
 * {@code samples} within phase k's cap. In {@code zero-accuracy} mode (the paper's rule) only those whose last
 * group mean accuracy was 0 qualify and are picked uniformly; in {@code importance} mode every candidate
 * qualifies and is picked with probability proportional to its difficulty (1 / last mean reward), infinite
 * difficulty counting as {@code max-weight} (Efraimidis-Spirakis keys, without replacement within a batch).
 * A phase-1 batch, a single-stage run and a disabled sampler take no retrospective picks. All choices are
 * deterministic from (seed, step) and independent of partitioning.
 */
public final class RetrospectiveSampler {
  /** The column holding a candidate's sampling key (larger is picked first). */
  public static final String KEY = "retro_key";

  private final boolean enabled;
  private final String mode;
  private final double share;
  private final double maxWeight;

  private RetrospectiveSampler(boolean enabled, String mode, double share, double maxWeight) {
    this.enabled = enabled;
    this.mode = mode;
    this.share = share;
    this.maxWeight = maxWeight;
  }

  /** A sampler for the {@code curriculum.retrospective} section (validated here). */
  public static RetrospectiveSampler of(CurriculumConfig.Retrospective config) {
    config.validate();
    return new RetrospectiveSampler(config.enabled(), config.mode(), config.share(), config.maxWeight());
  }

  /** The "no retrospective sampling" ablation. */
  public static RetrospectiveSampler disabled() {
    return new RetrospectiveSampler(false, CurriculumConfig.Retrospective.ZERO_ACCURACY, 0, 1);
  }

  public boolean enabled() {
    return enabled;
  }

  public String mode() {
    return mode;
  }

  /** Retrospective slots in a batch of this size: round(share * size), leaving at least one fresh slot. */
  public int quota(int batchSize) {
    if (!enabled || batchSize <= 1) {
      return 0;
    }
    return (int) Math.min(batchSize - 1, Math.round(share * batchSize));
  }

  /** Whether batches of this phase take retrospective picks at all (there must be an earlier phase). */
  public boolean appliesTo(CurriculumPhase phase) {
    return enabled && share > 0 && phase.number() > 1;
  }

  /**
   * The candidates for a phase: ledger rows of {@code run} first seen before the phase, qualifying under the
   * mode, whose sample is present in {@code samples} with prompt_tokens within the phase's cap.
   */
  public Dataset<Row> candidates(Dataset<Row> ledger, Dataset<Row> samples, String run, CurriculumPhase phase) {
    Dataset<Row> c = ledger.where(col("run").equalTo(lit(run)).and(col("phase_first_seen").lt(phase.number())));
    if (CurriculumConfig.Retrospective.ZERO_ACCURACY.equals(mode)) {
      c = c.where(col("last_mean_reward").equalTo(lit(0.0)));
    }
    Dataset<Row> present =
        samples.select(col("sample_id")).where(col("prompt_tokens").leq(phase.maxInputTokens()));
    return c.join(present, c.col("sample_id").equalTo(present.col("sample_id")), "left_semi");
  }

  /** Adds the sampling key {@value #KEY} for (seed, step) to candidates (needs sample_id, difficulty). */
  public Dataset<Row> withKeys(Dataset<Row> candidates, long seed, long step) {
    return candidates.withColumn(KEY, key(seed, lit(step), col("sample_id"), col("difficulty")));
  }

  /**
   * The key expression with the step as a column (so many steps can be evaluated in one query). Uniform
   * mode: the hash itself; importance mode: {@code ln(u) / min(difficulty, max-weight)}.
   */
  Column key(long seed, Column step, Column sampleId, Column difficulty) {
    Column hash = SampleKeys.hashKey("retrospective", seed, step, 0L, sampleId);
    if (CurriculumConfig.Retrospective.IMPORTANCE.equals(mode)) {
      return SampleKeys.weightedKey(SampleKeys.uniform(hash), difficulty, maxWeight);
    }
    return hash.cast("double");
  }

  /** Up to {@code n} candidate ids for (seed, step), best key first (ties by id). */
  public List<String> pick(Dataset<Row> candidates, long seed, long step, int n) {
    List<String> out = new ArrayList<>(n);
    if (n <= 0) {
      return out;
    }
    Dataset<Row> top =
        withKeys(candidates, seed, step).orderBy(col(KEY).desc(), col("sample_id")).limit(n).select("sample_id");
    for (Row r : top.collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }

  @Override
  public String toString() {
    return enabled ? "RetrospectiveSampler(" + mode + ", share " + share + ", max-weight " + maxWeight + ")"
        : "RetrospectiveSampler(disabled)";
  }
}
