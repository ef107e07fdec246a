package io.longctx.transforms.eval;

import java.util.Arrays;

/**
 * The reference evaluation's input cap: a token sequence longer than {@code max} keeps its first
 * {@code floor(max/2)} and last {@code ceil(max/2)} tokens ({@code ids[:max//2] + ids[-max//2:]} in Python), so
 * the instructions at the start and the question at the end survive and the middle of the document is cut.
 */
public final class MiddleTruncation {
  private MiddleTruncation() {}

  /** Returns {@code ids} itself when it fits, else a new array of exactly {@code max} ids. */
  public static int[] truncate(int[] ids, int max) {
    if (max <= 0) {
      throw new IllegalArgumentException("max must be > 0, got " + max);
    }
    if (ids.length <= max) {
      return ids;
    }
    int head = max / 2;
    int tail = max - head;
    int[] out = Arrays.copyOf(ids, max);
    System.arraycopy(ids, ids.length - tail, out, head, tail);
    return out;
  }
}
