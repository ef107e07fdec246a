package io.longctx.policy.train;

/**
 * Learning rate per optimizer update: linear warmup, then constant or cosine decay.
 *
 * <pre>
 *   update u (0-based) &lt; warmup:   lr = base * (u + 1) / warmup
 *   constant:                       lr = base
 *   cosine:                         p  = min(1, (u - warmup) / max(1, total - warmup))
 *                                   lr = base * (minRatio + (1 - minRatio) * 0.5 * (1 + cos(pi * p)))
 * </pre>
 *
 * Warmup starts at {@code base / warmup}, not 0, so the first update is never wasted (Hugging Face's
 * {@code get_*_schedule_with_warmup} start at 0). After {@code total} updates a cosine schedule stays at
 * {@code base * minRatio}.
 *
 * @param baseLr peak learning rate
 * @param warmupSteps updates of linear warmup (0 = none)
 * @param kind constant or cosine
 * @param totalSteps updates over which the cosine decays (ignored by constant)
 * @param minLrRatio floor of the cosine as a fraction of the base rate
 */
public record LrSchedule(double baseLr, int warmupSteps, Kind kind, long totalSteps, double minLrRatio) {

  /** Shape of the schedule after warmup. */
  public enum Kind {
    CONSTANT,
    COSINE
  }

  public LrSchedule {
    TrainErrors.requireRange("lr", baseLr, 0.0, 10.0);
    TrainErrors.requireRange("warmup-steps", warmupSteps, 0, Integer.MAX_VALUE);
    TrainErrors.requireRange("min-lr-ratio", minLrRatio, 0.0, 1.0);
    if (kind == LrSchedule.Kind.COSINE && totalSteps < 1) {
      throw new IllegalArgumentException(
          "Invalid training setting total-steps=" + totalSteps + ": a cosine schedule needs total-steps >= 1.");
    }
  }

  public static LrSchedule constant(double baseLr) {
    return new LrSchedule(baseLr, 0, Kind.CONSTANT, 0, 0.0);
  }

  /** The learning rate of update {@code update} (0-based count of optimizer updates done so far). */
  public double at(long update) {
    if (update < warmupSteps) {
      return baseLr * (update + 1) / warmupSteps;
    }
    if (kind == Kind.CONSTANT) {
      return baseLr;
    }
    double span = Math.max(1, totalSteps - warmupSteps);
    double progress = Math.min(1.0, (update - warmupSteps) / span);
    return baseLr * (minLrRatio + (1 - minLrRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)));
  }
}
