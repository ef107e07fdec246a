package io.longctx.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * A KV cache of independent rows for continuous batching: every row (slot) holds one sequence at its own length,
 * with its prompt at positions {@code 0..P-1} and each decoded token appended at its own next position, so
 * sequences of different prompts and ages decode together. A slot is filled from a prompt's prefill cache
 * ({@link #fill}: one prefill shared by the G samples of a group), decodes via
 * {@link Qwen2Model#decode(NDArray, RowKvCache)}, and is released when its sequence ends; {@link #keepSlots}
 * drops released slots so they stop costing compute.
 *
 * <p>Storage per layer is {@code [slots, kvHeads, capacity, headDim]}; a decode step attends to the first
 * {@code max(length) + 1} positions with each row's later positions masked. Inference only; not thread-safe.
 */
public final class RowKvCache implements KvStore, AutoCloseable {
  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;
  private final int capacity;
  private int[] lengths;
  private boolean[] used;
  private NDArray rowIndex;
  private NDArray columns;
  private int stepKeys;

  RowKvCache(Qwen2Config config, int slots, int capacity, NDManager manager) {
    if (slots <= 0 || capacity <= 0) {
      throw new IllegalArgumentException("slots and capacity must be > 0, got " + slots + ", " + capacity);
    }
    this.manager = manager;
    this.capacity = capacity;
    keys = KvCache.storage(config, slots, capacity, manager);
    values = KvCache.storage(config, slots, capacity, manager);
    lengths = new int[slots];
    used = new boolean[slots];
    rowIndex = rowIndex(slots);
  }

  /** Slots (rows of every decode step), used or not. */
  public int slots() {
    return lengths.length;
  }

  public int capacity() {
    return capacity;
  }

  /** Whether {@code slot} holds a sequence. */
  public boolean isUsed(int slot) {
    return used[slot];
  }

  /** Positions stored in {@code slot} (0 when free). */
  public int length(int slot) {
    return lengths[slot];
  }

  /**
   * Copies the first {@code prefix.length()} positions of a one-row prefill cache into every slot of
   * {@code slots} (free ones), which then hold that prompt.
   */
  public void fill(int[] slots, KvCache prefix) {
    if (prefix.batchSize() != 1) {
      throw new IllegalArgumentException("fill takes a one-row prefix cache, got " + prefix.batchSize() + " rows");
    }
    int n = prefix.length();
    if (n > capacity) {
      throw new IllegalStateException("prompt of " + n + " positions exceeds the row capacity " + capacity);
    }
    for (int s : slots) {
      if (used[s]) {
        throw new IllegalStateException("slot " + s + " is in use");
      }
    }
    long[] idx = Arrays.stream(slots).asLongStream().toArray();
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray index = manager.create(idx);
      NDIndex target = new NDIndex("{}, :, :{}", index, n);
      NDIndex upTo = new NDIndex().addAllDim().addAllDim().addSliceDim(0, n);
      Shape shape = new Shape(slots.length, keys[0].getShape().get(1), n, keys[0].getShape().get(3));
      for (int l = 0; l < keys.length; l++) {
        keys[l].set(target, prefix.keys(l).get(upTo).broadcast(shape));
        values[l].set(target, prefix.values(l).get(upTo).broadcast(shape));
      }
    }
    for (int s : slots) {
      used[s] = true;
      lengths[s] = n;
    }
  }

  /** Frees {@code slot}: its row keeps computing (on padding) until {@link #keepSlots} drops it. */
  public void release(int slot) {
    used[slot] = false;
    lengths[slot] = 0;
  }

  /**
   * Keeps only {@code slots} (in that order), freeing the storage of the others: slot {@code slots[i]} becomes
   * slot {@code i}.
   */
  public void keepSlots(int[] slots) {
    long[] idx = new long[slots.length];
    int[] newLengths = new int[slots.length];
    boolean[] newUsed = new boolean[slots.length];
    for (int i = 0; i < slots.length; i++) {
      if (slots[i] < 0 || slots[i] >= lengths.length) {
        throw new IllegalArgumentException("slot " + slots[i] + " outside the " + lengths.length + " slots");
      }
      idx[i] = slots[i];
      newLengths[i] = lengths[slots[i]];
      newUsed[i] = used[slots[i]];
    }
    try (NDArray index = manager.create(idx)) {
      for (int i = 0; i < keys.length; i++) {
        keys[i] = replace(keys[i], keys[i].get(new NDIndex("{}", index)));
        values[i] = replace(values[i], values[i].get(new NDIndex("{}", index)));
      }
    }
    lengths = newLengths;
    used = newUsed;
    rowIndex.close();
    rowIndex = rowIndex(slots.length);
  }

  /**
   * Prepares one decode step: the rotary position of each row's new token (its length) and the additive key mask
   * {@code [slots, 1, 1, 1, keys]} that lets row {@code r} see positions {@code 0..length(r)}.
   */
  int[] beginStep() {
    stepKeys = 1;
    for (int s = 0; s < lengths.length; s++) {
      if (lengths[s] >= capacity) {
        throw new IllegalStateException("KV cache row " + s + " full: capacity " + capacity);
      }
      stepKeys = Math.max(stepKeys, lengths[s] + 1);
    }
    if (columns != null) {
      columns.close();
    }
    long[] cols = Arrays.stream(lengths).asLongStream().toArray();
    columns = manager.create(cols);
    NDScope.unregister(columns);
    return lengths.clone();
  }

  /** Keys of the current step (max length + 1). */
  int stepKeys() {
    return stepKeys;
  }

  /** The key mask of the current step on {@code m}. */
  NDArray stepBias(NDManager m) {
    float[] bias = new float[lengths.length * stepKeys];
    for (int s = 0; s < lengths.length; s++) {
      Arrays.fill(bias, s * stepKeys + lengths[s] + 1, (s + 1) * stepKeys, Attention.MASKED);
    }
    return m.create(bias, new Shape(lengths.length, 1, 1, 1, stepKeys));
  }

  @Override
  public NDArray[] append(int layer, NDArray k, NDArray v) {
    Shape s = k.getShape();
    if (s.get(0) != lengths.length || s.get(2) != 1) {
      throw new IllegalArgumentException("row decode writes one position per slot, got " + s);
    }
    NDIndex slot = new NDIndex("{}, :, {}", rowIndex, columns);
    keys[layer].set(slot, k.squeeze(2));
    values[layer].set(slot, v.squeeze(2));
    NDIndex upTo = new NDIndex().addAllDim().addAllDim().addSliceDim(0, stepKeys);
    return new NDArray[] {keys[layer].get(upTo), values[layer].get(upTo)};
  }

  /** Counts the step's new position in every used slot. */
  void advance() {
    for (int s = 0; s < lengths.length; s++) {
      if (used[s]) {
        lengths[s]++;
      }
    }
  }

  private NDArray rowIndex(int slots) {
    NDArray idx = manager.arange(0, slots, 1, DataType.INT64);
    NDScope.unregister(idx);
    return idx;
  }

  private static NDArray replace(NDArray old, NDArray kept) {
    NDScope.unregister(kept);
    old.close();
    return kept;
  }

  @Override
  public void close() {
    for (int i = 0; i < keys.length; i++) {
      keys[i].close();
      values[i].close();
    }
    rowIndex.close();
    if (columns != null) {
      columns.close();
    }
  }
}
