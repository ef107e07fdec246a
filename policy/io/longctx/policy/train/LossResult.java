package io.longctx.policy.train;

import ai.djl.ndarray.NDArray;

/**
 * A differentiable scalar loss and its statistics.
 *
 * @param loss scalar NDArray connected to the autograd graph of the log-probs it was computed from
 * @param stats detached statistics of this evaluation
 */
public record LossResult(NDArray loss, LossStats stats) {}
