package io.longctx.policy.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * QwenLong-L1.5's entropy controls over one RL step's batch, applied on the driver before the optimizer step, from
 * the per-token entropies of the policy that sampled the responses (computed with the old log-probs):
 *
 * <ul>
 *   <li><b>AEPO</b> ({@link OptimConfig.Aepo}): a gate with hysteresis on the batch's mean token entropy. Above
 *       {@code entropy-high} it closes: the update keeps only responses with positive advantage and positive reward;
 *       below {@code entropy-low} it opens again; in between it keeps its previous state. The state is carried from
 *       step to step (and across a resume: the training job stores it with the checkpoint).
 *   <li><b>Negative clipping</b> ({@link OptimConfig.NegativeClip}): in responses with negative advantage, the
 *       policy-gradient weight of high-entropy tokens (or of every token of a high-entropy response) becomes 0; the
 *       threshold is the configured quantile of the batch's token (or response mean) entropies.
 * </ul>
 *
 * Pure functions of their arguments.
 */
public final class EntropyControl {
  private EntropyControl() {}

  /** The AEPO gate carried between steps: {@code negativesMasked} = the gate is closed. */
  public record AepoState(boolean negativesMasked) {
    public static final AepoState OPEN = new AepoState(false);
  }

  /** What {@link #apply} did to a batch. */
  public record Result(
      List<Rollout> batch, AepoState state, double entropy, int droppedByAepo, long tokensClipped, long tokens) {}

  /** The gate's next state for a batch of this mean token entropy. */
  public static AepoState nextState(OptimConfig.Aepo aepo, AepoState previous, double entropy) {
    if (!aepo.enabled()) {
      return AepoState.OPEN;
    }
    if (entropy > aepo.entropyHigh()) {
      return new AepoState(true);
    }
    if (entropy < aepo.entropyLow()) {
      return AepoState.OPEN;
    }
    return previous;
  }

  /**
   * Applies the configured controls to a batch.
   *
   * @param rewards each rollout's reward (AEPO keeps positive ones while the gate is closed)
   * @param entropies each rollout's per-token entropy under the sampling policy (same lengths as the responses)
   */
  public static Result apply(OptimConfig optim, AepoState previous, List<Rollout> batch, double[] rewards,
      List<float[]> entropies) {
    if (rewards.length != batch.size() || entropies.size() != batch.size()) {
      throw new IllegalArgumentException("EntropyControl.apply: " + batch.size() + " rollouts, " + rewards.length
          + " rewards, " + entropies.size() + " entropy rows");
    }
    double sum = 0;
    long tokens = 0;
    for (int i = 0; i < batch.size(); i++) {
      float[] e = entropies.get(i);
      if (e.length != batch.get(i).responseIds().length) {
        throw new IllegalArgumentException("EntropyControl.apply: rollout " + i + " has " + e.length
            + " entropies for " + batch.get(i).responseIds().length + " response tokens");
      }
      for (float v : e) {
        sum += v;
      }
      tokens += e.length;
    }
    double entropy = tokens == 0 ? Double.NaN : sum / tokens;
    // an empty batch (no group with varying accuracy) says nothing about the entropy: the gate holds
    AepoState state = tokens == 0 ? previous : nextState(optim.aepo(), previous, entropy);
    List<float[]> weights = clipWeights(optim.negativeClip(), batch, entropies);
    List<Rollout> out = new ArrayList<>(batch.size());
    int dropped = 0;
    long clipped = 0;
    for (int i = 0; i < batch.size(); i++) {
      Rollout r = batch.get(i);
      if (state.negativesMasked() && !(r.advantage() > 0 && rewards[i] > 0)) {
        dropped++;
        continue;
      }
      float[] w = weights.get(i);
      if (w != null) {
        for (float v : w) {
          clipped += v == 0 ? 1 : 0;
        }
        r = r.withPgWeights(w);
      }
      out.add(r);
    }
    return new Result(out, state, entropy, dropped, clipped, tokens);
  }

  /**
   * Negative-clipping weights per rollout: null where nothing is clipped (all 1), else 0 for each clipped token.
   */
  public static List<float[]> clipWeights(OptimConfig.NegativeClip clip, List<Rollout> batch, List<float[]> entropies) {
    List<float[]> out = new ArrayList<>(batch.size());
    if (OptimConfig.NegativeClip.NONE.equals(clip.mode())) {
      batch.forEach(r -> out.add(null));
      return out;
    }
    boolean perToken = OptimConfig.NegativeClip.TOKENS.equals(clip.mode());
    double threshold = perToken ? quantile(flatten(entropies), clip.quantile())
        : quantile(means(entropies), clip.quantile());
    for (int i = 0; i < batch.size(); i++) {
      float[] e = entropies.get(i);
      if (!(batch.get(i).advantage() < 0)) {
        out.add(null);
        continue;
      }
      float[] w = new float[e.length];
      boolean any = false;
      if (perToken) {
        for (int k = 0; k < e.length; k++) {
          w[k] = e[k] > threshold ? 0f : 1f;
          any |= w[k] == 0f;
        }
      } else {
        boolean high = mean(e) > threshold;
        Arrays.fill(w, high ? 0f : 1f);
        any = high && e.length > 0;
      }
      out.add(any ? w : null);
    }
    return out;
  }

  /** The q-quantile with linear interpolation between order statistics (numpy's default); NaN when empty. */
  public static double quantile(double[] values, double q) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] v = values.clone();
    Arrays.sort(v);
    double pos = q * (v.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(v.length - 1, lo + 1);
    return v[lo] + (pos - lo) * (v[hi] - v[lo]);
  }

  private static double[] flatten(List<float[]> rows) {
    int n = rows.stream().mapToInt(r -> r.length).sum();
    double[] out = new double[n];
    int k = 0;
    for (float[] r : rows) {
      for (float v : r) {
        out[k++] = v;
      }
    }
    return out;
  }

  private static double[] means(List<float[]> rows) {
    return rows.stream().mapToDouble(EntropyControl::mean).toArray();
  }

  private static double mean(float[] r) {
    double s = 0;
    for (float v : r) {
      s += v;
    }
    return r.length == 0 ? 0 : s / r.length;
  }
}
