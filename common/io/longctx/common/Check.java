package io.longctx.common;

import java.util.List;

/**
 * Range checks used by the {@code validate()} methods of the config records. Each failure names the full
 * dotted key and the allowed range, so a user can fix the YAML file or the {@code --set} flag directly.
 */
public final class Check {
  private Check() {}

  public static void positive(String key, long value) {
    if (value <= 0) {
      throw new ConfigException(key, "must be > 0, got " + value);
    }
  }

  public static void nonNegative(String key, double value) {
    if (!(value >= 0)) {
      throw new ConfigException(key, "must be >= 0, got " + value);
    }
  }

  public static void positive(String key, double value) {
    if (!(value > 0)) {
      throw new ConfigException(key, "must be > 0, got " + value);
    }
  }

  public static void range(String key, double value, double lo, double hi) {
    if (!(value >= lo && value <= hi)) {
      throw new ConfigException(key, "must be in [" + lo + ", " + hi + "], got " + value);
    }
  }

  public static void notBlank(String key, String value) {
    if (value == null || value.isBlank()) {
      throw new ConfigException(key, "must not be empty");
    }
  }

  public static void oneOf(String key, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      throw new ConfigException(key, "must be one of " + allowed + ", got '" + value + "'");
    }
  }

  public static void strictlyIncreasing(String key, List<Integer> values) {
    if (values == null || values.isEmpty()) {
      throw new ConfigException(key, "must list at least one value");
    }
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == null || values.get(i) <= 0) {
        throw new ConfigException(key + "[" + i + "]", "must be > 0, got " + values.get(i));
      }
      if (i > 0 && values.get(i) <= values.get(i - 1)) {
        throw new ConfigException(
            key + "[" + i + "]", "must be greater than the previous value " + values.get(i - 1) + ", got " + values.get(i));
      }
    }
  }
}
