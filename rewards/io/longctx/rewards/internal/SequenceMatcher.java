package io.longctx.rewards.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Python's {@code difflib.SequenceMatcher(None, a, b).ratio()} over two strings, element for element: the
 * elements are Unicode code points (as Python iterates a {@code str}), there is no junk function, and the
 * "autojunk" heuristic is on, as in Python: when {@code b} has 200 or more elements, every element that occurs
 * more than {@code len(b) // 100 + 1} times in {@code b} is "popular" and cannot start a match (matches may still
 * be extended over it). The matching blocks are found as difflib finds them (longest match first, leftmost on
 * ties, then recursively left and right of it), so the ratio {@code 2 * M / (len(a) + len(b))} is the same number.
 */
public final class SequenceMatcher {
  private SequenceMatcher() {}

  /** {@code difflib.SequenceMatcher(None, a, b).ratio()}; 1.0 when both are empty. */
  public static double ratio(String a, String b) {
    int[] x = a.codePoints().toArray();
    int[] y = b.codePoints().toArray();
    int length = x.length + y.length;
    if (length == 0) {
      return 1.0;
    }
    return 2.0 * matches(x, y) / length;
  }

  /** The total size of the matching blocks ({@code sum(m.size for m in get_matching_blocks())}). */
  static int matches(int[] a, int[] b) {
    Map<Integer, int[]> b2j = indexB(b);
    int[] prev = new int[b.length + 1];
    int[] next = new int[b.length + 1];
    int total = 0;
    ArrayDeque<int[]> queue = new ArrayDeque<>();
    queue.push(new int[] {0, a.length, 0, b.length});
    while (!queue.isEmpty()) {
      int[] q = queue.pop();
      int alo = q[0];
      int ahi = q[1];
      int blo = q[2];
      int bhi = q[3];
      int[] m = longestMatch(a, b, b2j, alo, ahi, blo, bhi, prev, next);
      int i = m[0];
      int j = m[1];
      int k = m[2];
      if (k > 0) {
        total += k;
        if (alo < i && blo < j) {
          queue.push(new int[] {alo, i, blo, j});
        }
        if (i + k < ahi && j + k < bhi) {
          queue.push(new int[] {i + k, ahi, j + k, bhi});
        }
      }
    }
    return total;
  }

  /** {@code b2j}: element -> increasing positions in b, with the popular elements removed (autojunk). */
  private static Map<Integer, int[]> indexB(int[] b) {
    Map<Integer, int[]> counts = new HashMap<>();
    for (int e : b) {
      counts.computeIfAbsent(e, k -> new int[1])[0]++;
    }
    Map<Integer, int[]> b2j = new HashMap<>();
    Map<Integer, Integer> fill = new HashMap<>();
    int ntest = b.length / 100 + 1;
    for (int j = 0; j < b.length; j++) {
      int n = counts.get(b[j])[0];
      if (b.length >= 200 && n > ntest) {
        continue; // popular: autojunk
      }
      int[] idx = b2j.computeIfAbsent(b[j], k -> new int[n]);
      int at = fill.merge(b[j], 1, Integer::sum) - 1;
      idx[at] = j;
    }
    return b2j;
  }

  /**
   * {@code find_longest_match(alo, ahi, blo, bhi)} without junk: the longest block {@code a[i:i+k] == b[j:j+k]}
   * whose first element is not popular, the earliest in a (then in b) among the longest, then extended on both
   * sides over equal elements (popular ones included). {@code prev} and {@code next} are scratch arrays of
   * {@code len(b) + 1} zeros, left as zeros.
   */
  private static int[] longestMatch(int[] a, int[] b, Map<Integer, int[]> b2j, int alo, int ahi, int blo, int bhi,
      int[] prev, int[] next) {
    int besti = alo;
    int bestj = blo;
    int bestsize = 0;
    // prev[j + 1] holds j2len[j] of the previous row of a (0 when absent); next is the row being built.
    int width = Math.max(0, bhi - blo);
    int[] prevTouched = new int[width];
    int[] nextTouched = new int[width];
    int prevCount = 0;
    for (int i = alo; i < ahi; i++) {
      int nextCount = 0;
      int[] js = b2j.get(a[i]);
      if (js != null) {
        for (int j : js) {
          if (j < blo) {
            continue;
          }
          if (j >= bhi) {
            break;
          }
          int k = prev[j] + 1; // j2len.get(j - 1, 0) + 1
          next[j + 1] = k;
          nextTouched[nextCount++] = j + 1;
          if (k > bestsize) {
            besti = i - k + 1;
            bestj = j - k + 1;
            bestsize = k;
          }
        }
      }
      for (int t = 0; t < prevCount; t++) {
        prev[prevTouched[t]] = 0;
      }
      int[] swap = prev;
      prev = next;
      next = swap;
      int[] swapTouched = prevTouched;
      prevTouched = nextTouched;
      nextTouched = swapTouched;
      prevCount = nextCount;
    }
    for (int t = 0; t < prevCount; t++) {
      prev[prevTouched[t]] = 0;
    }
    while (besti > alo && bestj > blo && a[besti - 1] == b[bestj - 1]) {
      besti--;
      bestj--;
      bestsize++;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] == b[bestj + bestsize]) {
      bestsize++;
    }
    return new int[] {besti, bestj, bestsize};
  }
}
