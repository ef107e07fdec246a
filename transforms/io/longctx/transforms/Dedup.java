package io.longctx.transforms;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_intersect;
import static org.apache.spark.sql.functions.array_union;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.MinHashLSH;
import org.apache.spark.ml.feature.MinHashLSHModel;
import org.apache.spark.ml.feature.NGram;
import org.apache.spark.ml.feature.RegexTokenizer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Duplicate handling over candidate rows. The first record (by source file, then record number) of each group
 * is kept; the others are marked with the sample id they duplicate.
 */
public final class Dedup {
  /** Column added by {@link #markExact}: the kept sample's id, or null for kept rows. */
  public static final String DUPLICATE_OF = "duplicate_of";
  /** Column added by {@link #markNear}: the kept sample's id, or null for kept rows. */
  public static final String NEAR_DUPLICATE_OF = "near_duplicate_of";

  private Dedup() {}

  private static WindowSpec firstFirst(Column key) {
    return Window.partitionBy(key).orderBy(col("source_file"), col("record_number"));
  }

  /** Marks exact duplicates: same normalised question and document ({@code dedup_key}). */
  public static Dataset<Row> markExact(Dataset<Row> candidates) {
    WindowSpec w = firstFirst(col("dedup_key"));
    return candidates
        .withColumn("_rn", row_number().over(w))
        .withColumn(DUPLICATE_OF, when(col("_rn").gt(1), first(col("sample_id")).over(w)))
        .drop("_rn");
  }

  /**
   * Sets {@code reason = DUPLICATE_ID} on every record whose sample id an earlier record already has (after exact
   * duplicates are removed, these are different samples that reuse an id).
   */
  public static Dataset<Row> markDuplicateIds(Dataset<Row> candidates) {
    WindowSpec w = firstFirst(col("sample_id"));
    Column firstFile = first(col("source_file")).over(w);
    Column firstNumber = first(col("record_number")).over(w);
    Column dup = row_number().over(w).gt(1);
    return candidates
        .withColumn("reason", when(dup, lit(ReasonCode.DUPLICATE_ID.name())).otherwise(col("reason")))
        .withColumn("message", when(dup, concat(lit("sample id '"), col("sample_id"), lit("' is already used by "),
            firstFile, lit(" record "), firstNumber.cast("string"))).otherwise(col("message")));
  }

  /**
   * Marks near-duplicates: documents whose word-shingle sets have Jaccard similarity of at least
   * {@code curate.near-dup-threshold} (found with MinHash LSH) and whose questions' word sets have Jaccard
   * similarity of at least {@code curate.near-dup-question-threshold}. Of each such pair the later record is
   * marked. Sample ids must be unique.
   */
  public static Dataset<Row> markNear(Dataset<Row> candidates, CurateConfig config) {
    Dataset<Row> docs = candidates.select(col("sample_id"), col("source_file"), col("record_number"),
        col("document"), array_distinct(split(lower(col("question")), "[^\\p{L}\\p{N}]+")).as("qwords"));
    Dataset<Row> words = new RegexTokenizer().setInputCol("document").setOutputCol("_words")
        .setPattern("[^\\p{L}\\p{N}]+").setToLowercase(true).transform(docs);
    Dataset<Row> shingles = new NGram().setN(config.shingleSize()).setInputCol("_words").setOutputCol("_shingles")
        .transform(words);
    Dataset<Row> features = new HashingTF().setInputCol("_shingles").setOutputCol("_features").setBinary(true)
        .setNumFeatures(1 << 20).transform(shingles)
        .where(size(col("_shingles")).gt(0))
        .select("sample_id", "source_file", "record_number", "qwords", "_features");
    MinHashLSHModel lsh = new MinHashLSH().setInputCol("_features").setOutputCol("_hashes")
        .setNumHashTables(config.minhashTables()).setSeed(config.seed()).fit(features);
    Dataset<Row> pairs = lsh.approxSimilarityJoin(features, features, 1.0 - config.nearDupThreshold(), "_distance")
        .select(col("datasetA.sample_id").as("a"), col("datasetA.source_file").as("a_file"),
            col("datasetA.record_number").as("a_number"), col("datasetA.qwords").as("a_q"),
            col("datasetB.sample_id").as("b"), col("datasetB.source_file").as("b_file"),
            col("datasetB.record_number").as("b_number"), col("datasetB.qwords").as("b_q"))
        .where(col("a_file").lt(col("b_file"))
            .or(col("a_file").equalTo(col("b_file")).and(col("a_number").lt(col("b_number")))))
        .where(size(array_intersect(col("a_q"), col("b_q"))).divide(size(array_union(col("a_q"), col("b_q"))))
            .geq(config.nearDupQuestionThreshold()));
    Dataset<Row> later = pairs.groupBy(col("b").as("_dup_id")).agg(min(col("a")).as("_near_of"));
    Dataset<Row> marked = candidates.join(later, candidates.col("sample_id").equalTo(later.col("_dup_id")), "left")
        .withColumn(NEAR_DUPLICATE_OF, col("_near_of"))
        .drop("_dup_id", "_near_of");
    return marked;
  }
}
