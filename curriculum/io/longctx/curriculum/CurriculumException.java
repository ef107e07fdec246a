package io.longctx.curriculum;

/**
 * A curriculum, batch-selection or ledger failure. The message says what failed, why, and how to fix it; it
 * names the table, step or record involved.
 */
public final class CurriculumException extends RuntimeException {
  CurriculumException(String message) {
    super(message);
  }

  CurriculumException(String message, Throwable cause) {
    super(message, cause);
  }
}
