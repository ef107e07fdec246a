package io.longctx.transforms.rollout;

import java.util.function.Function;

/**
 * Holds at most one loaded value (a model) per executor JVM, keyed by what it was loaded from (a checkpoint
 * path). Asking for another key closes the held value and loads the new one: after an optimizer step the
 * executors pick up the new checkpoint on their next partition, and memory never holds two models. Partitions
 * running concurrently in one JVM share the value; the loader runs once per key.
 *
 * @param <V> the cached value; closed when replaced if it is {@link AutoCloseable}
 */
public final class ExecutorCache<V> {
  private String key;
  private V value;
  private int loads;

  /** Returns the value for {@code newKey}, loading it (and closing the previous one) when the key changed. */
  public synchronized V get(String newKey, Function<String, V> loader) {
    if (value == null || !newKey.equals(key)) {
      closeHeld();
      value = loader.apply(newKey);
      key = newKey;
      loads++;
    }
    return value;
  }

  /** How many times a value was loaded: lets tests check "once per executor, reloaded when changed". */
  public synchronized int loads() {
    return loads;
  }

  /** Closes and forgets the held value. */
  public synchronized void clear() {
    closeHeld();
    key = null;
  }

  private void closeHeld() {
    if (value instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException("Could not close the cached model for " + key, e);
      }
    }
    value = null;
  }
}
