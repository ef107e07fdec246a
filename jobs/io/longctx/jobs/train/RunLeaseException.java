package io.longctx.jobs.train;

/** A run that this invocation may not write: another invocation holds its lease, or this one lost it. */
public final class RunLeaseException extends RuntimeException {
  RunLeaseException(String message) {
    super(message);
  }

  RunLeaseException(String message, Throwable cause) {
    super(message, cause);
  }
}
