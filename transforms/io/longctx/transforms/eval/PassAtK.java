package io.longctx.transforms.eval;

import static org.apache.spark.sql.functions.expr;

import org.apache.spark.sql.Column;

/**
 * The unbiased pass@k estimator of Chen et al. (2021): with n samples of which c are correct,
 * {@code pass@k = 1 - C(n-c, k) / C(n, k)}, computed stably as {@code 1 - prod_{i=n-c+1..n} (1 - k/i)} (no
 * factorials, no overflow). Defined for {@code 1 <= k <= n}.
 */
public final class PassAtK {
  private PassAtK() {}

  /** pass@k for one item; 1.0 when fewer than k samples are wrong. */
  public static double estimate(int n, int c, int k) {
    if (n < 1 || c < 0 || c > n || k < 1 || k > n) {
      throw new IllegalArgumentException("pass@k needs 1 <= k <= n and 0 <= c <= n, got n=" + n + " c=" + c + " k=" + k);
    }
    if (n - c < k) {
      return 1.0;
    }
    double prod = 1.0;
    for (int i = n - c + 1; i <= n; i++) {
      prod *= 1.0 - (double) k / i;
    }
    return 1.0 - prod;
  }

  /**
   * The same estimator as a Spark column over integer columns {@code n}, {@code c} and {@code k} (SQL
   * expressions), using the {@code aggregate} higher-order function; null where k is outside [1, n].
   */
  public static Column column(String n, String c, String k) {
    return expr(sql(n, c, k));
  }

  /** The estimator as a Spark SQL expression, for use in views and notebooks. */
  public static String sql(String n, String c, String k) {
    return "CASE WHEN " + k + " < 1 OR " + k + " > " + n + " THEN CAST(NULL AS DOUBLE)"
        + " WHEN " + c + " = 0 THEN CAST(0.0 AS DOUBLE)"
        + " WHEN " + n + " - " + c + " < " + k + " THEN CAST(1.0 AS DOUBLE)"
        + " ELSE 1.0 - aggregate(sequence(" + n + " - " + c + " + 1, " + n + "), CAST(1.0 AS DOUBLE),"
        + " (acc, i) -> acc * (1.0 - CAST(" + k + " AS DOUBLE) / i)) END";
  }
}
