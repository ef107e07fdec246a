package io.longctx.jobs.train;

import io.longctx.jobs.config.LeaseConfig;
import io.longctx.jobs.train.LeaseTable.Lease;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A held run lease (see {@link RunLeases}). A background thread renews it every
 * {@code train.lease.heartbeat-seconds}; {@link #ensureHeld()} tells the job whether it may still write; closing it
 * stops the heartbeat and deletes the lease row, so the next invocation starts at once.
 */
public final class RunLease implements AutoCloseable {
  private final RunLeases leases;
  private final LeaseTable table;
  private final LeaseConfig config;
  private final ProcessIdentity self;
  private final ScheduledExecutorService heartbeat;
  private volatile Lease current;
  private volatile RunLeaseException lost;
  private volatile Exception lastFailure;
  private int holds = 1;

  RunLease(RunLeases leases, LeaseTable table, LeaseConfig config, ProcessIdentity self, Lease acquired) {
    this.leases = leases;
    this.table = table;
    this.config = config;
    this.self = self;
    this.current = acquired;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "run-lease-heartbeat-" + acquired.run());
      t.setDaemon(true);
      return t;
    });
    heartbeat.scheduleWithFixedDelay(this::renew, config.heartbeatSeconds(), config.heartbeatSeconds(),
        TimeUnit.SECONDS);
  }

  public String run() {
    return current.run();
  }

  /** When the lease runs out unless the heartbeat renews it. */
  public Instant expiresAt() {
    return current.expiresAt();
  }

  /**
   * Returns when this invocation still holds the run; throws when another one took it over or the heartbeat could
   * not renew it in time (another invocation may then take it over at any moment).
   */
  public void ensureHeld() {
    RunLeaseException l = lost;
    if (l != null) {
      throw l;
    }
    Lease c = current;
    if (c.expired(Instant.now())) {
      throw LeaseErrors.expired(c.run(), c.expiresAt(), lastFailure);
    }
  }

  synchronized boolean reenter() {
    if (holds == 0) {
      return false;
    }
    holds++;
    return true;
  }

  /** One heartbeat: move the expiry forward if the row is still ours, and find out if it is not. */
  private void renew() {
    if (lost != null) {
      return;
    }
    Lease mine = current;
    try {
      table.compareAndSet(Optional.of(mine), mine.renewed(Instant.now(), config.ttlSeconds()));
    } catch (Exception e) { // Spark's AnalysisException is checked but thrown undeclared
      lastFailure = e; // a conflict or a slow file system: the next heartbeat tries again
    }
    try {
      Optional<Lease> now = table.read(mine.run());
      if (now.isEmpty()) {
        lost = LeaseErrors.vanished(mine.run(), table.path(), self.pid());
      } else if (!now.get().owner().equals(mine.owner())) {
        lost = LeaseErrors.takenOver(mine.run(), now.get(), self.pid());
      } else {
        current = now.get();
      }
    } catch (Exception e) {
      lastFailure = e;
    }
  }

  /** Stops the heartbeat and gives the run back (when the last user of a shared lease closes it). */
  @Override
  public void close() {
    synchronized (this) {
      if (holds == 0 || --holds > 0) {
        return;
      }
    }
    leases.released(this);
    heartbeat.shutdown();
    try {
      heartbeat.awaitTermination(config.ttlSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Lease mine = current;
    for (int attempt = 1; ; attempt++) {
      try {
        table.delete(mine);
        return;
      } catch (Exception e) {
        if (!RunLeases.isConflict(e) || attempt == 3) {
          System.err.println("longctx lease: could not release run " + mine.run() + " (" + e.getMessage()
              .lines().findFirst().orElse("") + "); it expires at " + mine.expiresAt());
          return;
        }
      }
    }
  }
}
