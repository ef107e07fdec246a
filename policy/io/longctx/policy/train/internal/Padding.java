package io.longctx.policy.train.internal;

import java.util.List;

/** Right-padding of ragged per-sequence arrays into row-major [B, T] buffers. */
public final class Padding {
  private Padding() {}

  /** The longest length among the arrays. */
  public static int maxLength(List<int[]> rows) {
    int t = 0;
    for (int[] r : rows) {
      t = Math.max(t, r.length);
    }
    return t;
  }

  /** [B, T] floats, zero past each row's end. */
  public static float[] floats(List<float[]> rows, int t) {
    float[] out = new float[rows.size() * t];
    for (int b = 0; b < rows.size(); b++) {
      System.arraycopy(rows.get(b), 0, out, b * t, rows.get(b).length);
    }
    return out;
  }

  /** [B, T] mask: 1 for the first {@code lengths[b]} positions of row b, else 0. */
  public static float[] mask(int[] lengths, int t) {
    float[] out = new float[lengths.length * t];
    for (int b = 0; b < lengths.length; b++) {
      java.util.Arrays.fill(out, b * t, b * t + lengths[b], 1f);
    }
    return out;
  }
}
