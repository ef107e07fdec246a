package io.longctx.policy.model;

import ai.djl.ndarray.NDArray;

/** Where one forward pass writes its new keys and values and reads the ones attention sees. */
interface KvStore {
  /**
   * Stores {@code k}/{@code v} ({@code [batch, kvHeads, n, headDim]}, already rotated) for {@code layer} and returns
   * the keys and values attention reads, {@code [batch, kvHeads, keys, headDim]}.
   */
  NDArray[] append(int layer, NDArray k, NDArray v);
}
