package io.longctx.policy.generate;

import io.longctx.policy.PolicyErrors;

/**
 * A prompt to sample {@code samples} continuations of, with its own seed: sample {@code g} draws from the
 * {@code g}-th stream split from {@code seed}, so a group's responses depend on nothing but the prompt, the seed
 * and the model, whatever else is batched with it.
 */
public record GroupRequest(int[] promptIds, int samples, long seed) {
  public GroupRequest {
    if (promptIds.length == 0) {
      throw PolicyErrors.badRequest("prompt is empty; generation needs at least one prompt token");
    }
    if (samples <= 0) {
      throw PolicyErrors.badRequest("samples per prompt must be > 0, got " + samples);
    }
    promptIds = promptIds.clone();
  }
}
