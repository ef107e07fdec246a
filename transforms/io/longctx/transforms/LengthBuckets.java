package io.longctx.transforms;

import java.util.List;

/** Maps a prompt length to its bucket: bucket k (0-based) holds lengths in (cap_{k-1}, cap_k], cap_{-1} = 0. */
public final class LengthBuckets {
  /** Returned by {@link #bucketOf} for lengths over the largest cap. */
  public static final int OVER = -1;

  private LengthBuckets() {}

  public static int bucketOf(int tokens, List<Integer> caps) {
    for (int k = 0; k < caps.size(); k++) {
      if (tokens <= caps.get(k)) {
        return k;
      }
    }
    return OVER;
  }
}
