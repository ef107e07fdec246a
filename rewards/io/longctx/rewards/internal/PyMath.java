package io.longctx.rewards.internal;

/**
 * {@code math.log10} as CPython computes it on glibc (the platform the reference runs on): glibc's
 * {@code __ieee754_log10} reduction around a natural log. The DocMath comparator asks whether
 * {@code log10(a) - log10(b)} is an exact integer, so a one-ulp difference flips answers such as 90 vs 9;
 * {@code StrictMath.log10} disagrees with glibc on about 0.4% of such pairs, this on about 0.001%.
 */
public final class PyMath {
  private static final double TWO54 = 1.80143985094819840000e+16;
  private static final double IVLN10 = 4.34294481903251816668e-01;
  private static final double LOG10_2HI = 3.01029995663611771306e-01;
  private static final double LOG10_2LO = 3.69423907715893078616e-13;

  private PyMath() {}

  /** Base-10 logarithm; NaN for negative input, -infinity for zero. */
  public static double log10(double x) {
    long bits = Double.doubleToRawLongBits(x);
    int hx = (int) (bits >>> 32);
    int lx = (int) bits;
    int k = 0;
    if (hx < 0x00100000) { // subnormal, zero or negative
      if (((hx & 0x7fffffff) | lx) == 0) {
        return Double.NEGATIVE_INFINITY;
      }
      if (hx < 0) {
        return Double.NaN;
      }
      k -= 54;
      x *= TWO54;
      hx = (int) (Double.doubleToRawLongBits(x) >>> 32);
    }
    if (hx >= 0x7ff00000) {
      return x + x;
    }
    k += (hx >> 20) - 1023;
    int i = (k & 0x80000000) >>> 31;
    hx = (hx & 0x000fffff) | ((0x3ff - i) << 20);
    double y = k + i;
    double m = Double.longBitsToDouble(((long) hx << 32) | (Double.doubleToRawLongBits(x) & 0xffffffffL));
    double z = y * LOG10_2LO + IVLN10 * Math.log(m);
    return z + y * LOG10_2HI;
  }
}
