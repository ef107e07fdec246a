package io.longctx.jobs.ablate;

import java.util.List;

/**
 * The mean of n values and its 95% confidence interval with Student's t on n - 1 degrees of freedom:
 * {@code mean +- t(0.975, n-1) * s / sqrt(n)}, s the sample standard deviation (divisor n - 1). With one value the
 * interval is undefined ({@link #halfWidth} NaN); with none the mean is NaN too.
 *
 * @param n how many values (seeds)
 * @param mean their mean
 * @param sd sample standard deviation (n - 1 in the divisor); NaN for n < 2
 * @param halfWidth t(0.975, n-1) * sd / sqrt(n); NaN for n < 2
 * @param values the values, in the order given
 */
public record MeanCi(int n, double mean, double sd, double halfWidth, List<Double> values) {

  /**
   * Two-sided 95% quantiles t(0.975, df) for df = 1..30 (the standard table, to three decimals; e.g. df 2:
   * 4.303, df 4: 2.776).
   */
  private static final double[] T975 = {
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042
  };

  public static MeanCi of(List<Double> values) {
    int n = values.size();
    if (n == 0) {
      return new MeanCi(0, Double.NaN, Double.NaN, Double.NaN, List.of());
    }
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    double mean = sum / n;
    if (n == 1) {
      return new MeanCi(1, mean, Double.NaN, Double.NaN, List.copyOf(values));
    }
    double ss = 0;
    for (double v : values) {
      ss += (v - mean) * (v - mean);
    }
    double sd = Math.sqrt(ss / (n - 1));
    return new MeanCi(n, mean, sd, t975(n - 1) * sd / Math.sqrt(n), List.copyOf(values));
  }

  public double low() {
    return mean - halfWidth;
  }

  public double high() {
    return mean + halfWidth;
  }

  /**
   * t(0.975, df): the table for df <= 30, above it the Cornish-Fisher expansion around the normal quantile 1.95996
   * (within 2e-4 of the exact value at df 31 and closer beyond).
   */
  public static double t975(int df) {
    if (df < 1) {
      throw new IllegalArgumentException("degrees of freedom must be >= 1, got " + df);
    }
    if (df <= T975.length) {
      return T975[df - 1];
    }
    double z = 1.959964;
    double z3 = z * z * z;
    double z5 = z3 * z * z;
    double z7 = z5 * z * z;
    double d = df;
    return z + (z3 + z) / (4 * d) + (5 * z5 + 16 * z3 + 3 * z) / (96 * d * d)
        + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * d * d * d);
  }
}
