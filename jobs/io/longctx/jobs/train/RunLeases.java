package io.longctx.jobs.train;

import io.longctx.jobs.config.LeaseConfig;
import io.longctx.jobs.train.LeaseTable.Lease;
import java.time.Instant;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.spark.sql.SparkSession;

/**
 * Leases on runs, so that two invocations of one run (a scheduler retry overlapping a slow night) never write its
 * tables at once. A job takes its run's lease before it reads its last commit or rolls anything back, and holds it
 * until it returns: a second invocation stops at once with "run R is held by host H pid P since T (expires in N s);
 * use --steal-lease after it died". The holder's heartbeat renews the lease every
 * {@code train.lease.heartbeat-seconds}; one that stopped renewing (killed, lost machine) can be taken over once
 * {@code train.lease.ttl-seconds} have passed, or at once with {@code --steal-lease}.
 *
 * <p>One instance is one holder: a pipeline that runs several jobs passes its instance to them, and a job that
 * asks for a run this instance already holds shares the lease (it is released when the last user closes it).
 */
public final class RunLeases {
  private static final int MAX_ATTEMPTS = 8;

  private final LeaseTable table;
  private final LeaseConfig config;
  private final ProcessIdentity self;
  private final Map<String, RunLease> held = new HashMap<>();
  private boolean steal;

  private RunLeases(LeaseTable table, LeaseConfig config, ProcessIdentity self) {
    this.table = table;
    this.config = config;
    this.self = self;
  }

  /** Leases kept in the Delta table at {@code tablePath} (created on first use), held by this process. */
  public static RunLeases at(SparkSession spark, String tablePath, LeaseConfig config) {
    return new RunLeases(new LeaseTable(spark, tablePath), config, ProcessIdentity.current());
  }

  /** Takes a run's lease even when another invocation holds it and it has not expired ({@code --steal-lease}). */
  public RunLeases optStealLease(boolean stealLease) {
    this.steal = stealLease;
    return this;
  }

  /**
   * Takes the lease of {@code run}, or shares it when this holder has it already. Close the result when the
   * run's writes are done.
   *
   * @throws RunLeaseException when another invocation holds the run (without {@code --steal-lease})
   */
  public synchronized RunLease acquire(String run) {
    RunLease mine = held.get(run);
    if (mine != null && mine.reenter()) {
      return mine;
    }
    RunLease lease = new RunLease(this, table, config, self, take(run));
    held.put(run, lease);
    return lease;
  }

  synchronized void released(RunLease lease) {
    held.remove(lease.run(), lease);
  }

  /**
   * Compare-and-set until this holder owns the row or someone else provably does. A conflicting concurrent writer
   * makes the commit fail; the loop then reads the row again, and finds the winner there.
   */
  private Lease take(String run) {
    String owner = UUID.randomUUID().toString();
    String victim = null; // the live holder that --steal-lease takes the run from
    RuntimeException conflict = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      table.ensureExists();
      Optional<Lease> current = table.read(run);
      Instant now = Instant.now();
      if (current.isPresent() && !current.get().expired(now)) {
        String holder = current.get().owner();
        boolean mayTake = steal && (victim == null ? attempt == 1 : victim.equals(holder));
        if (!mayTake) {
          throw LeaseErrors.heldBy(current.get(), now);
        }
        victim = holder;
      }
      Lease next = new Lease(run, owner, self.host(), self.pid(), now, now, now.plusSeconds(config.ttlSeconds()),
          current.map(l -> l.generation() + 1).orElse(1L));
      try {
        table.compareAndSet(current, next);
      } catch (RuntimeException e) {
        if (!isConflict(e)) {
          throw e;
        }
        conflict = e;
        pause(attempt);
        continue;
      }
      Optional<Lease> after = table.read(run);
      if (after.isPresent() && after.get().owner().equals(owner) && after.get().generation() == next.generation()) {
        return after.get();
      }
    }
    throw LeaseErrors.contended(run, table.path(), MAX_ATTEMPTS, conflict);
  }

  /** True when {@code e} is Delta's report that a concurrent transaction committed first. */
  static boolean isConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConcurrentModificationException) {
        return true;
      }
    }
    return false;
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(50, 250) * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunLeaseException("Interrupted while taking a run lease", e);
    }
  }
}
