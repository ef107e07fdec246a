package io.longctx.jobs.report;

import java.nio.file.Path;
import java.util.Collection;

/** The report's user-facing errors: what failed, why, and what to do about it. */
final class ReportErrors {
  private ReportErrors() {}

  static ReportException unknownRun(String run, String warehouse, Collection<String> known) {
    if (known.isEmpty()) {
      return new ReportException("Unknown run '" + run + "': the warehouse " + warehouse
          + " has no metrics, checkpoints or eval_results rows for any run. Run 'longctx run' (or sft/train/eval)"
          + " first, or pass --warehouse DIR pointing at the warehouse that holds the run.");
    }
    return new ReportException("Unknown run '" + run + "': no rows in metrics, checkpoints or eval_results under "
        + warehouse + ". Runs that exist: " + String.join(", ", known) + ".");
  }

  static ReportException cannotWrite(Path dir, Exception cause) {
    return new ReportException("Cannot write the report to " + dir + ": " + cause.getMessage()
        + ". Pass --out DIR with a writable folder.", cause);
  }
}
