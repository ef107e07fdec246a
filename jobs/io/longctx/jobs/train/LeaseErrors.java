package io.longctx.jobs.train;

import io.longctx.jobs.train.LeaseTable.Lease;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The run lease's user-facing errors: who holds the run, until when, and what to do. */
final class LeaseErrors {
  private LeaseErrors() {}

  static RunLeaseException heldBy(Lease holder, Instant now) {
    return new RunLeaseException("run " + holder.run() + " is held by host " + holder.host() + " pid " + holder.pid()
        + " since " + holder.acquiredAt().truncatedTo(ChronoUnit.SECONDS) + " (expires in "
        + secondsUntil(holder.expiresAt(), now) + " s); use --steal-lease after it died");
  }

  static RunLeaseException takenOver(String run, Lease other, long pid) {
    return new RunLeaseException("run " + run + " was taken over by host " + other.host() + " pid " + other.pid()
        + " at " + other.acquiredAt().truncatedTo(ChronoUnit.SECONDS) + " while pid " + pid + " held it (its"
        + " lease expired or --steal-lease was used): this invocation stops before it writes more of the run");
  }

  static RunLeaseException expired(String run, Instant expiresAt, Throwable lastFailure) {
    return new RunLeaseException("run " + run + "'s lease expired at " + expiresAt.truncatedTo(ChronoUnit.SECONDS)
        + " because its heartbeat could not renew it" + (lastFailure == null ? "" : " (" + lastFailure + ")")
        + ": this invocation stops so that another may take the run over; raise train.lease.ttl-seconds if the"
        + " lease table is slow to write", lastFailure);
  }

  static RunLeaseException contended(String run, String table, int attempts, Throwable last) {
    return new RunLeaseException("Cannot take the lease of run " + run + " in " + table + ": " + attempts
        + " attempts in a row conflicted with concurrent writers of the lease table"
        + (last == null ? "" : " (last: " + last.getMessage().lines().findFirst().orElse("") + ")") + ". Try again.",
        last);
  }

  static RunLeaseException vanished(String run, String table, long pid) {
    return new RunLeaseException("run " + run + "'s lease row disappeared from " + table + " while pid " + pid
        + " held it (deleted by hand?): this invocation stops before it writes more of the run");
  }

  private static long secondsUntil(Instant t, Instant now) {
    long millis = Duration.between(now, t).toMillis();
    return millis <= 0 ? 0 : (millis + 999) / 1000;
  }
}
