package io.longctx.curriculum.internal;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The fresh-sample stream of one phase: an endless sequence of epochs, each a seeded permutation of the
 * phase's pool (ordered by a hash of (seed, phase, epoch, sample_id), ties by id). Position p of the stream is
 * rank {@code p mod N} of epoch {@code p / N}. Every sample is used once per epoch before any repeats, and a
 * slice of positions depends only on the pool's content, never on its partitioning.
 *
 * <p>Pools of at most {@code maxCachedIds} samples have their current epoch's permutation (ids only) computed
 * once and kept on the driver, so later steps of the epoch run no Spark job; larger pools compute each slice
 * with a ranked query. Both give the same ids.
 */
public final class FreshStream {
  private static final String KEY = "_fresh_key";
  private static final String RANK = "_fresh_rank";
  private static final int CACHED_EPOCHS = 2;

  private final long maxCachedIds;
  private final Map<String, List<String>> epochs =
      new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
          return size() > CACHED_EPOCHS;
        }
      };

  public FreshStream(long maxCachedIds) {
    this.maxCachedIds = maxCachedIds;
  }

  /**
   * The sample ids at stream positions {@code [from, from + count)}, in position order.
   *
   * @param pool the phase pool: one row per sample, with a {@code sample_id} column
   * @param poolKey identifies the pool's content (e.g. samples version and phase) for the epoch cache
   * @param poolSize the number of rows of {@code pool} (> 0)
   */
  public synchronized List<String> slice(
      Dataset<Row> pool, String poolKey, long poolSize, long seed, int phase, long from, int count) {
    List<String> out = new ArrayList<>(count);
    Dataset<Row> ids = pool.select(col("sample_id"));
    long pos = from;
    long end = from + count;
    while (pos < end) {
      long epoch = pos / poolSize;
      long firstRank = pos % poolSize + 1;
      long lastRank = Math.min(poolSize, firstRank + (end - pos) - 1);
      if (poolSize <= maxCachedIds) {
        String key = poolKey + "/" + seed + "/" + phase + "/" + epoch;
        List<String> perm = epochs.computeIfAbsent(key, k -> ranks(ids, seed, phase, epoch, 1, poolSize));
        out.addAll(perm.subList((int) firstRank - 1, (int) lastRank));
      } else {
        out.addAll(ranks(ids, seed, phase, epoch, firstRank, lastRank));
      }
      pos += lastRank - firstRank + 1;
    }
    return out;
  }

  /** Ids with 1-based ranks {@code [firstRank, lastRank]} in the permutation of one epoch, in rank order. */
  static List<String> ranks(Dataset<Row> ids, long seed, int phase, long epoch, long firstRank, long lastRank) {
    // Only (sample_id, key) travel through the single-partition window; whole rows are joined back later.
    Dataset<Row> ranked =
        ids.withColumn(KEY, SampleKeys.hashKey("fresh", seed, phase, epoch, col("sample_id")))
            .withColumn(RANK, row_number().over(Window.orderBy(col(KEY), col("sample_id"))))
            .where(col(RANK).between(firstRank, lastRank))
            .orderBy(col(RANK));
    List<String> out = new ArrayList<>();
    for (Row r : ranked.select("sample_id").collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }
}
