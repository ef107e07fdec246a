package io.longctx.transforms.eval;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code eval_results} Delta table (one row per run, checkpoint, benchmark, item and sample) and the
 * summaries defined as SQL over it. Writing replaces exactly the (run, checkpoint, benchmark) slices being
 * written ({@code replaceWhere}), so re-running an evaluation is idempotent and never touches other runs.
 */
public final class EvalResults {
  /** Column order of the table. */
  public static final StructType SCHEMA =
      new StructType()
          .add("run", DataTypes.StringType, false)
          .add("checkpoint", DataTypes.StringType, false)
          .add("benchmark", DataTypes.StringType, false)
          .add("item_id", DataTypes.StringType, false)
          .add("sample_index", DataTypes.IntegerType, false)
          .add("data_source", DataTypes.StringType, false)
          .add("golds", DataTypes.createArrayType(DataTypes.StringType, false), false)
          .add("gold", DataTypes.StringType, false)
          .add("response", DataTypes.StringType, false)
          .add("response_tokens", DataTypes.IntegerType, false)
          .add("finish_reason", DataTypes.StringType, false)
          .add("pred", DataTypes.StringType, true)
          .add("rule_score", DataTypes.DoubleType, false)
          .add("judge_score", DataTypes.DoubleType, true)
          .add("judge_verdict", DataTypes.StringType, true)
          .add("score", DataTypes.DoubleType, false)
          .add("em", DataTypes.DoubleType, false)
          .add("f1", DataTypes.DoubleType, false)
          .add("prompt_tokens", DataTypes.IntegerType, false)
          .add("input_tokens", DataTypes.IntegerType, false)
          .add("truncated", DataTypes.BooleanType, false)
          .add("missing_documents", DataTypes.IntegerType, true)
          .add("greedy", DataTypes.BooleanType, false)
          .add("temperature", DataTypes.DoubleType, false)
          .add("top_p", DataTypes.DoubleType, false)
          .add("seed", DataTypes.LongType, false)
          .add("evaluated_at", DataTypes.TimestampType, false);

  /** Per item: n samples, c correct (score = 1), mean score, EM, F1, length. Reads the view {@code eval_results}. */
  public static final String ITEM_SCORES_SQL =
      "SELECT run, checkpoint, benchmark, item_id, count(*) AS n,"
          + " CAST(sum(CASE WHEN score >= 1.0 THEN 1 ELSE 0 END) AS INT) AS c,"
          + " avg(score) AS mean_score, avg(em) AS em, avg(f1) AS f1,"
          + " max(prompt_tokens) AS prompt_tokens, max(CAST(truncated AS INT)) AS truncated,"
          + " max(evaluated_at) AS evaluated_at"
          + " FROM eval_results GROUP BY run, checkpoint, benchmark, item_id";

  /**
   * Per (run, checkpoint, benchmark), then an {@code average} row per (run, checkpoint) that averages the
   * benchmarks (each benchmark weighs the same, as in the paper). Reads the view {@code eval_item_scores}.
   */
  public static final String SUMMARY_SQL =
      "WITH per_benchmark AS (SELECT run, checkpoint, benchmark, count(*) AS items, min(n) AS k,"
          + " avg(mean_score) AS mean_at_k, avg(" + PassAtK.sql("n", "c", "1") + ") AS pass_at_1,"
          + " avg(" + PassAtK.sql("n", "c", "n") + ") AS pass_at_k, avg(em) AS em, avg(f1) AS f1,"
          + " avg(truncated) AS truncated_fraction, max(evaluated_at) AS evaluated_at"
          + " FROM eval_item_scores GROUP BY run, checkpoint, benchmark)"
          + " SELECT * FROM per_benchmark UNION ALL"
          + " SELECT run, checkpoint, 'average' AS benchmark, sum(items), min(k), avg(mean_at_k), avg(pass_at_1),"
          + " avg(pass_at_k), avg(em), avg(f1), avg(truncated_fraction), max(evaluated_at)"
          + " FROM per_benchmark GROUP BY run, checkpoint";

  private EvalResults() {}

  /**
   * Writes scored rows into the table at {@code tablePath}, replacing the given benchmarks' rows of this run and
   * checkpoint. The rows must hold every {@link #SCHEMA} column and only that run, checkpoint and benchmarks.
   */
  public static void write(
      Dataset<Row> rows, String tablePath, String run, String checkpoint, List<String> benchmarks) {
    List<Column> cols = new ArrayList<>();
    for (var f : SCHEMA.fields()) {
      cols.add(col(f.name()).cast(f.dataType()).as(f.name()));
    }
    Dataset<Row> out = rows.select(cols.toArray(new Column[0]));
    SparkSession spark = rows.sparkSession();
    if (!DeltaTable.isDeltaTable(spark, tablePath)) {
      out.write().format("delta").mode("append").save(tablePath);
      return;
    }
    out.write()
        .format("delta")
        .mode("overwrite")
        .option("mergeSchema", "true") // tables written before missing_documents existed gain the column
        .option("replaceWhere", slice(run, checkpoint, benchmarks))
        .save(tablePath);
  }

  /** The predicate selecting one (run, checkpoint) and a set of benchmarks. */
  static String slice(String run, String checkpoint, List<String> benchmarks) {
    return "run = " + quote(run) + " AND checkpoint = " + quote(checkpoint) + " AND benchmark IN ("
        + benchmarks.stream().map(EvalResults::quote).collect(Collectors.joining(", ")) + ")";
  }

  static String quote(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** Registers the temp views {@code eval_results}, {@code eval_item_scores} and {@code eval_summary}. */
  public static void registerViews(SparkSession spark, String tablePath) {
    spark.read().format("delta").load(tablePath).createOrReplaceTempView("eval_results");
    spark.sql(ITEM_SCORES_SQL).createOrReplaceTempView("eval_item_scores");
    spark.sql(SUMMARY_SQL).createOrReplaceTempView("eval_summary");
  }

  /** The summary of one run: its latest evaluated checkpoint, or {@code checkpoint} when not null. */
  public static Dataset<Row> summary(SparkSession spark, String tablePath, String run, String checkpoint) {
    registerViews(spark, tablePath);
    String cp = checkpoint != null ? checkpoint : latestCheckpoint(spark, tablePath, run);
    return spark.sql(
        "SELECT * FROM eval_summary WHERE run = " + quote(run) + " AND checkpoint = " + quote(cp)
            + " ORDER BY benchmark = 'average', benchmark");
  }

  static String latestCheckpoint(SparkSession spark, String tablePath, String run) {
    if (!DeltaTable.isDeltaTable(spark, tablePath)) {
      throw EvalErrors.runNotFound(run, tablePath);
    }
    List<Row> rows =
        spark.read().format("delta").load(tablePath).where(col("run").equalTo(run))
            .groupBy("checkpoint").agg(org.apache.spark.sql.functions.max("evaluated_at").as("t"))
            .orderBy(col("t").desc(), col("checkpoint").desc()).limit(1).collectAsList();
    if (rows.isEmpty()) {
      throw EvalErrors.runNotFound(run, tablePath);
    }
    return rows.get(0).getString(0);
  }

  /**
   * Side by side: per benchmark (and the average), mean@k, pass@k, EM and F1 of run A and run B, and B - A of
   * mean@k. A run is {@code RUN} (its latest checkpoint) or {@code RUN@CHECKPOINT}.
   */
  public static Dataset<Row> compare(SparkSession spark, String tablePath, String runA, String runB) {
    Dataset<Row> a = side(spark, tablePath, runA, "a");
    Dataset<Row> b = side(spark, tablePath, runB, "b");
    return a.join(b, a.col("benchmark").equalTo(b.col("benchmark")), "full_outer")
        .select(
            org.apache.spark.sql.functions.coalesce(a.col("benchmark"), b.col("benchmark")).as("benchmark"),
            col("a_items"), col("a_mean_at_k"), col("a_pass_at_k"), col("a_em"), col("a_f1"),
            col("b_items"), col("b_mean_at_k"), col("b_pass_at_k"), col("b_em"), col("b_f1"),
            col("b_mean_at_k").minus(col("a_mean_at_k")).as("delta_mean_at_k"))
        .orderBy(col("benchmark").equalTo("average"), col("benchmark"));
  }

  private static Dataset<Row> side(SparkSession spark, String tablePath, String spec, String prefix) {
    int at = spec.indexOf('@');
    String run = at < 0 ? spec : spec.substring(0, at);
    String cp = at < 0 ? null : spec.substring(at + 1);
    Dataset<Row> s = summary(spark, tablePath, run, cp);
    return s.select(
        col("benchmark"), col("items").as(prefix + "_items"), col("mean_at_k").as(prefix + "_mean_at_k"),
        col("pass_at_k").as(prefix + "_pass_at_k"), col("em").as(prefix + "_em"), col("f1").as(prefix + "_f1"));
  }
}
