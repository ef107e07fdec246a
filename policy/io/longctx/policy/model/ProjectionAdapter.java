package io.longctx.policy.model;

import ai.djl.ndarray.NDArray;

/**
 * Something that adds to the outputs of a model's linear projections, such as a LoRA adapter: for projection
 * {@code p} of layer {@code layer} with input {@code x}, the model computes {@code x W^T + b + delta(layer, p, x)}.
 * Attached with {@link Qwen2Model#setAdapter}; the base weights stay untouched. Called inside the model's forward
 * scopes, on the model's device, and differentiably (a trainer gets gradients for whatever the delta depends on).
 */
@FunctionalInterface
public interface ProjectionAdapter {
  /**
   * The delta {@code [..., out]} to add to the projection's output for input {@code x [..., in]}, or {@code null}
   * when this adapter leaves the projection alone.
   */
  NDArray delta(int layer, Projection p, NDArray x);
}
