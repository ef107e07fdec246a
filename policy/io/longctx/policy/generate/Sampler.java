package io.longctx.policy.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Picks the next token of every sequence from {@code [B, vocab]} logits, batched on the device: greedy argmax,
 * or temperature + top-k + top-p then inverse-CDF sampling over the sorted distribution with one uniform draw
 * per sequence from a per-sequence seeded stream (so results do not depend on thread scheduling).
 */
final class Sampler {
  private final GenerationConfig config;
  private final SplittableRandom[] streams;

  Sampler(GenerationConfig config, int batch) {
    this(config, streams(config.seed(), batch));
  }

  /** A sampler whose sequence {@code i} draws from {@code streams[i]}. */
  Sampler(GenerationConfig config, SplittableRandom[] streams) {
    this.config = config;
    this.streams = streams;
  }

  /** The streams of {@code n} sequences sampled with {@code seed}: the i-th split of one root stream. */
  static SplittableRandom[] streams(long seed, int n) {
    SplittableRandom[] out = new SplittableRandom[n];
    SplittableRandom root = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      out[i] = root.split();
    }
    return out;
  }

  /** Sampled tokens and their raw-policy log-probs. */
  record Choice(int[] tokens, float[] logProbs) {}

  /** @param rows for each batch row of {@code logits}, the sequence (stream) it belongs to */
  Choice choose(NDArray logits, int[] rows) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray token = config.greedy() ? logits.argMax(-1) : sample(logits, rows);
      NDArray idx = token.toType(DataType.INT64, false).expandDims(1);
      NDArray logp = logits.logSoftmax(-1).gather(idx, 1).squeeze(1);
      return new Choice(token.toType(DataType.INT32, false).toIntArray(), logp.toFloatArray());
    }
  }

  private NDArray sample(NDArray logits, int[] rows) {
    NDManager m = logits.getManager();
    long b = logits.getShape().get(0);
    long v = logits.getShape().get(1);
    NDArray scaled = config.temperature() == 1.0 ? logits : logits.div((float) config.temperature());
    boolean filtered = (config.topK() > 0 && config.topK() < v) || config.topP() < 1.0;
    // inverse-CDF sampling works in any token order; sort only when top-k/top-p need ranks
    NDArray order = filtered ? scaled.argSort(-1, false) : null;
    NDArray probs = (filtered ? scaled.gather(order, 1) : scaled).softmax(-1);
    if (config.topK() > 0 && config.topK() < v) {
      NDArray keep = m.arange(0, (int) v, 1, DataType.INT32).lt(config.topK()).toType(DataType.FLOAT32, false);
      probs = probs.mul(keep);
    }
    if (config.topP() < 1.0) {
      NDArray mass = probs.sum(new int[] {-1}, true);
      NDArray before = probs.cumSum(1).sub(probs).div(mass);
      probs = probs.mul(before.lt((float) config.topP()).toType(DataType.FLOAT32, false));
    }
    NDArray cdf = probs.cumSum(1);
    float[] u = new float[(int) b];
    for (int i = 0; i < u.length; i++) {
      u[i] = (float) streams[rows[i]].nextDouble();
    }
    NDArray target = m.create(u, new Shape(b, 1)).mul(cdf.get(new NDIndex(":, -1:")));
    NDArray choice = cdf.lt(target).countNonzero(1).minimum(v - 1);
    return filtered ? order.gather(choice.toType(DataType.INT64, false).expandDims(1), 1).squeeze(1) : choice;
  }
}
