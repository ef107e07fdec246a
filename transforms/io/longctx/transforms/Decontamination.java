package io.longctx.transforms;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * N-gram overlap against evaluation sets. The evaluation side is reduced to a sorted array of hashed word
 * n-grams of every question and document ({@link TextKeys#ngramHashes}), broadcast to the executors; each
 * sample gets the fraction of its own question and document n-grams found there.
 */
public final class Decontamination {
  /** Column added by {@link #markOverlap}: fraction of the sample's n-grams found in the evaluation sets. */
  public static final String EVAL_OVERLAP = "eval_overlap";

  private Decontamination() {}

  /** Sorted distinct n-gram hashes of the questions and documents of valid candidate rows. */
  public static long[] evalNgrams(Dataset<Row> evalCandidates, int n) {
    Dataset<Long> hashes = evalCandidates.where("reason IS NULL").select("question", "document")
        .flatMap(new NgramsOf(n), Encoders.LONG()).distinct();
    List<Long> all = hashes.collectAsList();
    long[] out = new long[all.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = all.get(i);
    }
    Arrays.sort(out);
    return out;
  }

  /** Adds {@link #EVAL_OVERLAP} (0 when {@code evalNgrams} is empty). */
  public static Dataset<Row> markOverlap(SparkSession spark, Dataset<Row> candidates, long[] evalNgrams, int n) {
    Broadcast<long[]> eval = spark.sparkContext().broadcast(evalNgrams, scala.reflect.ClassTag$.MODULE$.apply(long[].class));
    StructType schema = candidates.schema().add(EVAL_OVERLAP, DataTypes.DoubleType, false);
    int q = candidates.schema().fieldIndex("question");
    int d = candidates.schema().fieldIndex("document");
    return candidates.mapPartitions(new Overlap(eval, n, q, d), Encoders.row(schema));
  }

  /** Fraction of the hashes found in the sorted array. */
  static double overlap(long[] sample, long[] evalSorted) {
    if (sample.length == 0 || evalSorted.length == 0) {
      return 0.0;
    }
    int hits = 0;
    for (long h : sample) {
      if (Arrays.binarySearch(evalSorted, h) >= 0) {
        hits++;
      }
    }
    return hits / (double) sample.length;
  }

  static long[] hashesOf(String question, String document, int n) {
    long[] a = TextKeys.ngramHashes(TextKeys.words(question), n);
    long[] b = TextKeys.ngramHashes(TextKeys.words(document), n);
    long[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** (question, document) -> their n-gram hashes. */
  static final class NgramsOf implements FlatMapFunction<Row, Long> {
    private final int n;

    NgramsOf(int n) {
      this.n = n;
    }

    @Override
    public Iterator<Long> call(Row r) {
      return Arrays.stream(hashesOf(r.getString(0), r.getString(1), n)).boxed().iterator();
    }
  }

  /** Per partition: appends the overlap fraction to each row. */
  static final class Overlap implements MapPartitionsFunction<Row, Row> {
    private final Broadcast<long[]> eval;
    private final int n;
    private final int questionIndex;
    private final int documentIndex;

    Overlap(Broadcast<long[]> eval, int n, int questionIndex, int documentIndex) {
      this.eval = eval;
      this.n = n;
      this.questionIndex = questionIndex;
      this.documentIndex = documentIndex;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      long[] evalSorted = eval.value();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          Row r = rows.next();
          Object[] v = new Object[r.size() + 1];
          for (int i = 0; i < r.size(); i++) {
            v[i] = r.get(i);
          }
          v[r.size()] = overlap(
              hashesOf(r.getString(questionIndex), r.getString(documentIndex), n), evalSorted);
          return RowFactory.create(v);
        }
      };
    }
  }
}
