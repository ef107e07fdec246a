package io.longctx.policy.generate;

import ai.djl.ndarray.NDArray;

/**
 * Per-token scores of responses under the current weights, {@code [batch, responseLength]} each, attached to
 * the manager of the sequences that were scored. Inside a {@code GradientCollector} they carry gradients back
 * to the model parameters. Padding positions hold finite values that the caller masks out.
 *
 * @param logProbs log p(token | prefix) of each response token
 * @param entropy entropy of the model's next-token distribution at each response position, or {@code null}
 *     when not requested
 */
public record TokenScores(NDArray logProbs, NDArray entropy) implements AutoCloseable {
  @Override
  public void close() {
    logProbs.close();
    if (entropy != null) {
      entropy.close();
    }
  }
}
