package io.longctx.jobs.report;

/** A report that cannot be written at all (unknown run, unwritable output folder); the message says why. */
public final class ReportException extends RuntimeException {
  ReportException(String message) {
    super(message);
  }

  ReportException(String message, Throwable cause) {
    super(message, cause);
  }
}
