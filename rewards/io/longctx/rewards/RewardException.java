package io.longctx.rewards;

/** A reward-computation problem the user can fix; the message says what, why and how. */
public final class RewardException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  RewardException(String message) {
    super(message);
  }

  RewardException(String message, Throwable cause) {
    super(message, cause);
  }
}
