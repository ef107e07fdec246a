package io.longctx.policy.generate;

/** Why a generated sequence ended. */
public enum FinishReason {
  /** A stop token was produced or a stop string appeared. */
  STOP,
  /** The max-new-tokens limit was reached. */
  LENGTH;

  /** Lower-case name as written to tables and JSON ({@code stop}, {@code length}). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
