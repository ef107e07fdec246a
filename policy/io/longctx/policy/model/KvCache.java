package io.longctx.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of past positions for incremental decoding. Storage is preallocated per layer as
 * {@code [batch, kvHeads, capacity, headDim]} and each forward call writes its new positions in place, so
 * decoding {@code n} tokens costs O(n) copies instead of the O(n^2) of growing the cache by concatenation.
 * All sequences of a batch share one write position (prompts are left-padded to a common length).
 *
 * <p>Not thread-safe; used for inference only (writes are in place, outside autograd). Close it, or the
 * manager it was created on, to free its memory.
 */
public final class KvCache implements KvStore, AutoCloseable {
  private final NDArray[] keys;
  private final NDArray[] values;
  private final int capacity;
  private int batch;
  private int length;

  KvCache(Qwen2Config config, int batch, int capacity, NDManager manager) {
    if (batch <= 0 || capacity <= 0) {
      throw new IllegalArgumentException("batch and capacity must be > 0, got " + batch + ", " + capacity);
    }
    this.batch = batch;
    this.capacity = capacity;
    keys = storage(config, batch, capacity, manager);
    values = storage(config, batch, capacity, manager);
  }

  /** Zeroed per-layer storage {@code [rows, kvHeads, capacity, headDim]} for keys or values. */
  static NDArray[] storage(Qwen2Config config, int rows, int capacity, NDManager manager) {
    NDArray[] out = new NDArray[config.numHiddenLayers()];
    Shape shape = new Shape(rows, config.numKeyValueHeads(), capacity, config.headDim());
    for (int i = 0; i < out.length; i++) {
      out[i] = manager.zeros(shape, DataType.FLOAT32);
    }
    return out;
  }

  /** Positions already stored. */
  public int length() {
    return length;
  }

  public int capacity() {
    return capacity;
  }

  public int batchSize() {
    return batch;
  }

  /**
   * Writes {@code k}/{@code v} ({@code [batch, kvHeads, n, headDim]}) at positions {@code [length, length+n)}
   * of {@code layer} and returns views of all keys and values up to {@code length+n}.
   */
  @Override
  public NDArray[] append(int layer, NDArray k, NDArray v) {
    int n = Math.toIntExact(k.getShape().get(2));
    if (length + n > capacity) {
      throw new IllegalStateException("KV cache full: " + length + " + " + n + " > capacity " + capacity);
    }
    // builder-form indices: parsing an index string costs more than the copy itself in the decode loop
    NDIndex slot = new NDIndex().addAllDim(2).addSliceDim(length, length + n);
    keys[layer].set(slot, k);
    values[layer].set(slot, v);
    NDIndex upTo = new NDIndex().addAllDim(2).addSliceDim(0, length + n);
    return new NDArray[] {keys[layer].get(upTo), values[layer].get(upTo)};
  }

  /** Keys of {@code layer}, all {@code capacity} positions (positions past {@link #length()} are undefined). */
  NDArray keys(int layer) {
    return keys[layer];
  }

  /** Values of {@code layer}, as {@link #keys}. */
  NDArray values(int layer) {
    return values[layer];
  }

  /** Marks {@code n} more positions as stored; called once per forward after every layer has appended. */
  void advance(int n) {
    length += n;
  }

  /**
   * Keeps only the batch rows {@code rows} (in that order) and frees the storage of the others, so sequences
   * that finished early stop costing compute. Positions stay as they are.
   */
  public void keepRows(int[] rows) {
    long[] idx = new long[rows.length];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] < 0 || rows[i] >= batch) {
        throw new IllegalArgumentException("row " + rows[i] + " outside the batch of " + batch);
      }
      idx[i] = rows[i];
    }
    try (NDArray index = keys[0].getManager().create(idx)) {
      for (int i = 0; i < keys.length; i++) {
        keys[i] = replace(keys[i], keys[i].get(new NDIndex("{}", index)));
        values[i] = replace(values[i], values[i].get(new NDIndex("{}", index)));
      }
    }
    batch = rows.length;
  }

  private static NDArray replace(NDArray old, NDArray kept) {
    NDScope.unregister(kept); // owned by the cache, not by any caller's scope
    old.close();
    return kept;
  }

  /** Forgets all positions (storage is kept for reuse). */
  public void reset() {
    length = 0;
  }

  @Override
  public void close() {
    for (int i = 0; i < keys.length; i++) {
      keys[i].close();
      values[i].close();
    }
  }
}
