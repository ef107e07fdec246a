package io.longctx.policy;

/**
 * A user-facing failure in the policy engine (a checkpoint that cannot be loaded, a bad generation request).
 * The message says what failed, why, and how to fix it. Created through {@link PolicyErrors}.
 */
public final class PolicyException extends RuntimeException {
  public PolicyException(String message) {
    super(message);
  }

  public PolicyException(String message, Throwable cause) {
    super(message, cause);
  }
}
