package io.longctx.rewards;

/** The outcome of one judge call. Only {@link #YES} scores 1. */
public enum JudgeVerdict {
  /** The reply ends its verdict with {@code [[YES]]}. */
  YES,
  /** The reply ends its verdict with {@code [[NO]]}. */
  NO,
  /** The reply has neither {@code [[YES]]} nor {@code [[NO]]}: scores 0 and is counted. */
  UNPARSEABLE,
  /** The request failed after its retries (timeout, HTTP error, malformed body): scores 0 and is counted. */
  ERROR;

  public double score() {
    return this == YES ? 1.0 : 0.0;
  }

  /** Lower-case name, as written to the {@code judge_verdict} column. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
