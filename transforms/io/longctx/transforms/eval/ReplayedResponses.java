package io.longctx.transforms.eval;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Responses generated elsewhere (for example by a vLLM server, as the reference evaluation does) scored by this
 * pipeline: a JSON-lines file with {@code benchmark}, {@code item_id}, {@code sample_index}, {@code response} and
 * optionally {@code response_tokens}. Every (item, sample) of the evaluation must have exactly one response.
 */
public final class ReplayedResponses {
  /** Schema of a responses file. */
  public static final StructType FILE_SCHEMA =
      new StructType()
          .add("benchmark", DataTypes.StringType)
          .add("item_id", DataTypes.StringType)
          .add("sample_index", DataTypes.IntegerType)
          .add("response", DataTypes.StringType)
          .add("response_tokens", DataTypes.IntegerType);

  private ReplayedResponses() {}

  /** Reads a responses file; a malformed line fails the read with Spark's message naming the line. */
  public static Dataset<Row> read(SparkSession spark, Path file) {
    return spark.read().schema(FILE_SCHEMA).option("mode", "FAILFAST").json(file.toString());
  }

  /**
   * Joins prompt rows with their k responses; adds the {@link GenerateResponses#ADDED} columns
   * ({@code finish_reason} is {@code replayed}). Throws naming the first (item, sample) without a response, or
   * the first one with more than one.
   */
  public static Dataset<Row> join(Dataset<Row> prompts, Dataset<Row> responses, int k, Path file) {
    Dataset<Row> wanted =
        prompts.withColumn("sample_index", explode(sequence(lit(0), lit(k - 1))));
    Dataset<Row> r =
        responses.select(
            col("benchmark").as("r_benchmark"), col("item_id").as("r_item_id"),
            col("sample_index").as("r_sample_index"), col("response"), col("response_tokens"));
    Dataset<Row> joined =
        wanted.join(
            r,
            col("benchmark").equalTo(col("r_benchmark"))
                .and(col("item_id").equalTo(col("r_item_id")))
                .and(col("sample_index").equalTo(col("r_sample_index"))),
            "left");
    List<Row> missing =
        joined.where(col("response").isNull()).select("benchmark", "item_id", "sample_index").limit(1).collectAsList();
    if (!missing.isEmpty()) {
      Row m = missing.get(0);
      throw EvalErrors.missingResponses(m.getString(0), m.getString(1), m.getInt(2), file);
    }
    List<Row> dup =
        joined.groupBy("benchmark", "item_id", "sample_index").count().where(col("count").gt(1)).limit(1)
            .collectAsList();
    if (!dup.isEmpty()) {
      Row d = dup.get(0);
      throw new EvalErrors.EvalException(
          "More than one response for benchmark '" + d.getString(0) + "', item '" + d.getString(1) + "', sample "
              + d.getInt(2) + " in " + file + ". Keep one line per (benchmark, item_id, sample_index).");
    }
    return joined
        .drop("r_benchmark", "r_item_id", "r_sample_index")
        .withColumn("response_tokens", org.apache.spark.sql.functions.coalesce(col("response_tokens"), lit(-1)))
        .withColumn("finish_reason", lit("replayed"));
  }
}
