package io.longctx.rewards;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.longctx.rewards.internal.ScorePartition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The hybrid reward over a rollouts DataFrame: {@code reward = max(rule, judge)} with the judge asked only where
 * the rule score is below 1 and an answer was extracted (DocMath and multi-hop sources; as in the reference,
 * multiple-choice letters are never judged, nor MRCR ratios), then DAPO overlong shaping.
 *
 * <p>Input columns: {@code data_source}, {@code response}, {@code gold} (strings, non-null), optionally
 * {@code question} (string, shown to the judge), {@code answer_prefix} (nullable string, MRCR's
 * {@code random_string_to_prepend}) and {@code response_tokens} (integer, for shaping). Added columns:
 * {@code rule_score} (0/1), {@code judge_score} (0/1, null when the judge was not asked), {@code judge_verdict}
 * (yes/no/unparseable/error, null when not asked), {@code reward}, {@code shaped_reward} (= reward plus the
 * overlong penalty; = reward when shaping is off or there is no {@code response_tokens}) and {@code pred} (the
 * extracted answer, null when none). Unmapped sources and null inputs fail the job with a message naming the
 * row; use {@link #unmappedSources} to check a DataFrame first.
 *
 * <p>The result is lazy like any Dataset: every action on it re-runs the verifiers and re-asks the judge, so a
 * caller that uses it more than once (or sorts it, which samples it first) should {@code persist()} it.
 */
public final class HybridReward {
  public static final String RULE_SCORE = "rule_score";
  public static final String JUDGE_SCORE = "judge_score";
  public static final String JUDGE_VERDICT = "judge_verdict";
  public static final String REWARD = "reward";
  public static final String SHAPED_REWARD = "shaped_reward";
  public static final String PRED = "pred";
  /** Optional input column: the string a response must start with (MRCR's {@code random_string_to_prepend}). */
  public static final String ANSWER_PREFIX = "answer_prefix";
  public static final List<String> ADDED =
      List.of(RULE_SCORE, JUDGE_SCORE, JUDGE_VERDICT, REWARD, PRED, SHAPED_REWARD);

  /** Rows per judge batch within a partition. */
  static final int BATCH = 256;

  private HybridReward() {}

  /**
   * Scores {@code rollouts}. {@code judge} is used only when {@code cfg.judge().enabled()} and it is non-null.
   */
  public static Dataset<Row> score(Dataset<Row> rollouts, RewardsConfig cfg, Judge judge) {
    List<String> existing = Arrays.asList(rollouts.columns());
    Dataset<Row> in = rollouts.drop(ADDED.stream().filter(existing::contains).toArray(String[]::new));
    StructType schema = in.schema();
    List<String> names = Arrays.asList(schema.fieldNames());
    List<String> missing = new ArrayList<>();
    for (String c : List.of("data_source", "response", "gold")) {
      if (!names.contains(c)) {
        missing.add(c);
      } else if (!(schema.apply(c).dataType() instanceof StringType)) {
        throw RewardErrors.wrongColumnType(c, schema.apply(c).dataType().simpleString(), "string");
      }
    }
    if (!missing.isEmpty()) {
      throw RewardErrors.missingColumns(missing, names);
    }
    int questionIdx = names.indexOf("question");
    if (questionIdx >= 0 && !(schema.apply("question").dataType() instanceof StringType)) {
      throw RewardErrors.wrongColumnType("question", schema.apply("question").dataType().simpleString(), "string");
    }
    if (cfg.judge().enabled() && judge == null) {
      throw new RewardException("rewards.judge.enabled is true but no Judge was given to HybridReward.score; pass "
          + "Judges.openAi(cfg.judge()) (or an in-process judge), or set rewards.judge.enabled=false.");
    }
    Judge active = cfg.judge().enabled() ? judge : null;
    StructType out = schema
        .add(new StructField(RULE_SCORE, DataTypes.DoubleType, false, org.apache.spark.sql.types.Metadata.empty()))
        .add(JUDGE_SCORE, DataTypes.DoubleType, true)
        .add(JUDGE_VERDICT, DataTypes.StringType, true)
        .add(new StructField(REWARD, DataTypes.DoubleType, false, org.apache.spark.sql.types.Metadata.empty()))
        .add(PRED, DataTypes.StringType, true);
    int prefixIdx = names.indexOf(ANSWER_PREFIX);
    if (prefixIdx >= 0 && !(schema.apply(ANSWER_PREFIX).dataType() instanceof StringType)) {
      throw RewardErrors.wrongColumnType(ANSWER_PREFIX, schema.apply(ANSWER_PREFIX).dataType().simpleString(),
          "string");
    }
    ScorePartition fn = new ScorePartition(new SourceRouter(cfg), active, names.indexOf("data_source"),
        names.indexOf("response"), names.indexOf("gold"), questionIdx, prefixIdx, BATCH);
    Dataset<Row> scored = in.mapPartitions(fn, Encoders.row(out));
    Column shaped = names.contains("response_tokens") && cfg.overlong().enabled()
        ? col(REWARD).plus(when(col("response_tokens").isNull(), lit(0.0))
            .otherwise(overlongPenalty(col("response_tokens"), cfg.overlong())))
        : col(REWARD);
    return scored.withColumn(SHAPED_REWARD, shaped);
  }

  /**
   * The DAPO overlong penalty as a column: 0 up to {@code max - cache} tokens, linear to {@code -factor} at
   * {@code max}, {@code -factor} beyond.
   */
  public static Column overlongPenalty(Column responseTokens, RewardsConfig.OverlongConfig o) {
    double expected = o.maxLength() - o.cacheLength();
    Column frac = responseTokens.cast("double").minus(lit(expected)).divide(lit((double) o.cacheLength()));
    return lit(-o.penaltyFactor()).multiply(least(lit(1.0), greatest(lit(0.0), frac)));
  }

  /** The same penalty for one length (used by single-row callers and tests). */
  public static double overlongPenalty(long responseTokens, RewardsConfig.OverlongConfig o) {
    double frac = (responseTokens - (double) (o.maxLength() - o.cacheLength())) / o.cacheLength();
    return -o.penaltyFactor() * Math.min(1.0, Math.max(0.0, frac));
  }

  /**
   * The distinct {@code data_source} values that no verifier handles (a small aggregate: one row per distinct
   * source). Check this before a long job to fail early with every unmapped name at once.
   */
  public static List<String> unmappedSources(Dataset<Row> rollouts, RewardsConfig cfg) {
    SourceRouter router = new SourceRouter(cfg);
    List<String> out = new ArrayList<>();
    for (Row r : rollouts.select(col("data_source")).distinct().collectAsList()) {
      String s = r.isNullAt(0) ? null : r.getString(0);
      if (router.routeOrNull(s) == null) {
        out.add(s);
      }
    }
    return out;
  }
}
