package io.longctx.curriculum.internal;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.sql.Column;

/**
 * Partition-independent random keys. Every random choice in the curriculum is an ordering by a 64-bit hash of
 * (purpose, seed, step-like numbers, sample_id), so it depends on nothing but those values: not on the number
 * of partitions, the row order, or the executor that evaluates it.
 */
public final class SampleKeys {
  /** 2^53: uniform doubles are built from the top 53 bits of a hash. */
  private static final double TWO_POW_53 = 9007199254740992.0;

  private SampleKeys() {}

  /** A 64-bit hash key of (purpose, seed, a, b, id); ties are broken by id wherever it orders rows. */
  public static Column hashKey(String purpose, long seed, long a, long b, Column id) {
    return hashKey(purpose, seed, lit(a), b, id);
  }

  /** As {@link #hashKey(String, long, long, long, Column)} with {@code a} given as a column. */
  public static Column hashKey(String purpose, long seed, Column a, long b, Column id) {
    return xxhash64(lit(purpose), lit(seed), a.cast("long"), lit(b), id);
  }

  /** A uniform double in the open interval (0, 1) derived from a 64-bit hash column. */
  public static Column uniform(Column hash) {
    return shiftrightunsigned(hash, 11).cast("double").plus(lit(0.5)).divide(lit(TWO_POW_53));
  }

  /**
   * Efraimidis-Spirakis key {@code ln(u) / w}, the log of {@code u^(1/w)}: taking the k rows with the largest
   * keys is weighted sampling without replacement with weights {@code w}; for k = 1 row i is chosen with
   * probability {@code w_i / sum(w)}. Weights are capped at {@code maxWeight} (so infinity becomes the cap).
   */
  public static Column weightedKey(Column u, Column weight, double maxWeight) {
    return log(u).divide(least(weight, lit(maxWeight)));
  }

  /** The sample id column every table in this area is keyed by. */
  public static Column sampleId() {
    return col("sample_id");
  }
}
