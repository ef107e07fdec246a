package io.longctx.curriculum;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * How task-balanced sampling divides a batch between tasks: {@code n} slots over tasks with weights, by largest
 * remainder (each task gets the floor of its exact share, the slots left over go to the largest remainders). Ties
 * between equal remainders (e.g. 16 slots over 3 equal tasks) are broken by a hash of (seed, step, task), so over
 * the steps of a phase each task gets the extra slot about equally often. Deterministic from its arguments.
 */
public final class TaskShares {
  private TaskShares() {}

  /**
   * The tasks of a phase pool that take part and their weights: every task equally when {@code shares} is empty,
   * else the weight it names (a task it does not name gets none). Sorted by task name; tasks of weight 0 left out.
   */
  public static Map<String, Double> weights(List<String> poolTasks, Map<String, Double> shares) {
    Map<String, Double> out = new java.util.TreeMap<>();
    for (String t : poolTasks) {
      double w = shares.isEmpty() ? 1.0 : shares.getOrDefault(t, 0.0);
      if (w > 0) {
        out.put(t, w);
      }
    }
    return out;
  }

  /** Slots per task (same order as {@code weights}' iteration), summing to {@code n}. */
  public static int[] apportion(int n, Map<String, Double> weights, long seed, long step) {
    List<String> tasks = new ArrayList<>(weights.keySet());
    double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    int[] out = new int[tasks.size()];
    if (tasks.isEmpty() || n <= 0) {
      return out;
    }
    double[] rem = new double[tasks.size()];
    int given = 0;
    for (int i = 0; i < out.length; i++) {
      double exact = n * weights.get(tasks.get(i)) / total;
      out[i] = (int) Math.floor(exact + 1e-9);
      rem[i] = exact - out[i];
      given += out[i];
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < out.length; i++) {
      order.add(i);
    }
    order.sort(Comparator.<Integer>comparingDouble(i -> -Math.round(rem[i] * 1e9) / 1e9)
        .thenComparingLong(i -> mix(seed, step, tasks.get(i))));
    for (int k = 0; given < n; k++, given++) {
      out[order.get(k % order.size())]++;
    }
    return out;
  }

  private static long mix(long seed, long step, String task) {
    long h = seed * 0x9E3779B97F4A7C15L + step * 0xC2B2AE3D27D4EB4FL + task.hashCode() * 0x165667B19E3779F9L;
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    return h ^ (h >>> 33);
  }
}
