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
    this.config = config;
    this.streams = new SplittableRandom[batch];
    SplittableRandom root = new SplittableRandom(config.seed());
    for (int i = 0; i < batch; i++) {
      streams[i] = root.split();
    }
  }

  /** Sampled tokens and their raw-policy log-probs. */
  record Choice(int[] tokens, float[] logProbs) {}

  Choice choose(NDArray logits) {
    try (NDScope scope = new NDScope()) {
      NDArray token = config.greedy() ? logits.argMax(-1) : sample(logits);
      NDArray idx = token.toType(DataType.INT64, false).expandDims(1);
      NDArray logp = logits.logSoftmax(-1).gather(idx, 1).squeeze(1);
      return new Choice(token.toType(DataType.INT32, false).toIntArray(), logp.toFloatArray());
    }
  }

  private NDArray sample(NDArray logits) {
    NDManager m = logits.getManager();
    long b = logits.getShape().get(0);
    long v = logits.getShape().get(1);
    NDArray scaled = config.temperature() == 1.0 ? logits : logits.div((float) config.temperature());
    NDArray order = scaled.argSort(-1, false);
    NDArray probs = scaled.gather(order, 1).softmax(-1);
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
      u[i] = (float) streams[i].nextDouble();
    }
    NDArray target = m.create(u, new Shape(b, 1)).mul(cdf.get(new NDIndex(":, -1:")));
    NDArray choice = cdf.lt(target).countNonzero(1).minimum(v - 1).expandDims(1);
    return order.gather(choice.toType(DataType.INT64, false), 1).squeeze(1);
  }
}
