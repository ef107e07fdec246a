package io.longctx.policy.train;

import io.longctx.common.ConfigException;
import java.util.Arrays;

/**
 * How per-token losses of a batch are reduced to one scalar.
 *
 * <ul>
 *   <li>{@link #TOKEN_MEAN} ({@code token-mean}, DAPO): the mean over every unmasked token of the batch, so long
 *       responses weigh in proportion to their length.
 *   <li>{@link #SEQ_MEAN_TOKEN_MEAN} ({@code seq-mean-token-mean}, GRPO): the mean over each sequence's tokens,
 *       then the mean over the sequences that have at least one token.
 * </ul>
 */
public enum LossAggregation {
  TOKEN_MEAN("token-mean"),
  SEQ_MEAN_TOKEN_MEAN("seq-mean-token-mean");

  private final String key;

  LossAggregation(String key) {
    this.key = key;
  }

  /** The config spelling, e.g. {@code token-mean}. */
  public String key() {
    return key;
  }

  /** Parses the config spelling; {@code configKey} names the key in the error message. */
  public static LossAggregation parse(String configKey, String value) {
    for (LossAggregation a : values()) {
      if (a.key.equals(value)) {
        return a;
      }
    }
    throw new ConfigException(
        configKey,
        "must be one of " + Arrays.stream(values()).map(LossAggregation::key).toList() + ", got '" + value + "'");
  }
}
