package io.longctx.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longctx.common.ConfigException;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.LeaseConfig;
import io.longctx.jobs.train.LeaseTable.Lease;
import io.longctx.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run leases on a real Delta table: one holder per run, the holder's message for everyone else, heartbeats,
 * expiry, --steal-lease, and holders racing for one run (each with its own owner, as separate processes would be).
 * Two real processes racing for a run are in {@link KillResumeTest}.
 */
class RunLeaseTest extends SparkTestBase {
  @TempDir Path dir;

  /** The message of a held run, with the holder's host, pid, start and remaining seconds. */
  static final String HELD =
      "run %s is held by host %s pid %d since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(expires in (\\d+) s\\);"
          + " use --steal-lease after it died";

  private String table() {
    return dir.resolve("run_leases").toString();
  }

  private RunLeases holder(int ttl, int heartbeat) {
    return RunLeases.at(spark(), table(), new LeaseConfig(ttl, heartbeat));
  }

  @Test
  void oneHolderPerRunUntilItReleases() {
    ProcessIdentity self = ProcessIdentity.current();
    RunLeases first = holder(60, 20);
    RunLeases second = holder(60, 20);
    try (RunLease lease = first.acquire("r")) {
      lease.ensureHeld();
      assertThat(lease.expiresAt()).isAfter(Instant.now().plusSeconds(50));
      assertThatThrownBy(() -> second.acquire("r")).isInstanceOf(RunLeaseException.class)
          .hasMessageMatching(String.format(HELD, "r", self.host(), self.pid()));
      try (RunLease other = second.acquire("other-run")) {
        other.ensureHeld(); // runs are independent
      }
    }
    assertThat(new LeaseTable(spark(), table()).read("r")).isEmpty();
    try (RunLease lease = second.acquire("r")) {
      lease.ensureHeld();
    }
  }

  @Test
  void aHolderSharesItsLeaseWithTheJobsItRuns() {
    RunLeases pipeline = holder(60, 20);
    RunLease outer = pipeline.acquire("r");
    RunLease inner = pipeline.acquire("r");
    assertThat(inner).isSameAs(outer);
    inner.close();
    assertThatThrownBy(() -> holder(60, 20).acquire("r")).isInstanceOf(RunLeaseException.class);
    outer.close();
    holder(60, 20).acquire("r").close();
  }

  /**
   * Invocations creating the table at the same moment: all but one lose the race (a conflict, or Spark's checked
   * {@code AnalysisException} "location is not empty and also not a Delta table" while the winner's log has no
   * commit yet), wait, and find the table instead of failing.
   */
  @Test
  void invocationsCreatingTheTableTogetherAllFindIt() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 4; round++) {
        String path = dir.resolve("leases-" + round).toString();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> creators = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          creators.add(pool.submit(() -> {
            start.await();
            new LeaseTable(spark(), path).ensureExists();
            return null;
          }));
        }
        start.countDown();
        for (Future<?> f : creators) {
          f.get(2, TimeUnit.MINUTES);
        }
        assertThat(new LeaseTable(spark(), path).read("r")).isEmpty();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A location that holds files but no commit yet (another process half-way through creating the table) makes
   * Spark throw its checked {@code AnalysisException}; the creator waits and finds the table instead of failing.
   */
  @Test
  void creatingTheTableWaitsOutAHalfCreatedLocation() throws Exception {
    Path location = Files.createDirectories(dir.resolve("run_leases"));
    Path stray = Files.writeString(location.resolve("being-written-by-another-process"), "x");
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      Future<?> done = other.submit(() -> {
        Thread.sleep(4000); // longer than a first Delta call takes to reach the create
        Files.delete(stray);
        return null;
      });
      LeaseTable t = new LeaseTable(spark(), table());
      t.ensureExists();
      done.get();
      assertThat(t.read("r")).isEmpty();
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void aDeadHoldersLeaseBlocksUntilItExpiresOrIsStolen() {
    LeaseTable t = new LeaseTable(spark(), table());
    t.ensureExists();
    Instant now = Instant.now();
    t.compareAndSet(Optional.empty(),
        new Lease("r", "dead-owner", "deadhost", 424242L, now.minusSeconds(100), now, now.plusSeconds(30), 1));
    assertThatThrownBy(() -> holder(60, 20).acquire("r")).isInstanceOf(RunLeaseException.class)
        .hasMessageMatching(String.format(HELD, "r", "deadhost", 424242L).replace("(\\d+)", "(30|29|28|27|26|25)"));
    try (RunLease stolen = holder(60, 20).optStealLease(true).acquire("r")) {
      assertThat(t.read("r").orElseThrow().owner()).isNotEqualTo("dead-owner");
      stolen.ensureHeld();
    }

    Lease expired = new Lease("r", "dead-owner", "deadhost", 424242L, now.minusSeconds(100), now.minusSeconds(40),
        now.minusSeconds(10), 1);
    t.compareAndSet(Optional.empty(), expired);
    try (RunLease takenOver = holder(60, 20).acquire("r")) {
      assertThat(t.read("r").orElseThrow().pid()).isEqualTo(ProcessIdentity.current().pid());
      assertThat(t.read("r").orElseThrow().generation()).isEqualTo(2L);
    }
  }

  @Test
  void theHeartbeatRenewsAndNoticesATakeOver() throws Exception {
    RunLease lease = holder(30, 1).acquire("r");
    try {
      Instant first = lease.expiresAt();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!lease.expiresAt().isAfter(first) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(lease.expiresAt()).isAfter(first);
      lease.ensureHeld();

      try (RunLease thief = holder(60, 20).optStealLease(true).acquire("r")) {
        thief.ensureHeld();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        RunLeaseException lost = null;
        while (lost == null && System.nanoTime() < deadline) {
          try {
            lease.ensureHeld();
            Thread.sleep(100);
          } catch (RunLeaseException e) {
            lost = e;
          }
        }
        assertThat(lost).isNotNull();
        assertThat(lost.getMessage()).startsWith("run r was taken over by host " + ProcessIdentity.current().host())
            .contains("this invocation stops before it writes more of the run");
      }
    } finally {
      lease.close(); // gives nothing back: the row is no longer its own
    }
  }

  @Test
  void racingHoldersNeverBothWin() throws Exception {
    for (String run : List.of("race-a", "race-b")) { // the first race also creates the table
      int n = 3;
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(n);
      List<Future<RunLease>> results = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        RunLeases mine = holder(60, 20);
        results.add(pool.submit(() -> {
          start.await();
          return mine.acquire(run);
        }));
      }
      start.countDown();
      List<RunLease> won = new ArrayList<>();
      List<String> refused = new ArrayList<>();
      for (Future<RunLease> f : results) {
        try {
          won.add(f.get(5, TimeUnit.MINUTES));
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(RunLeaseException.class);
          refused.add(e.getCause().getMessage());
        }
      }
      pool.shutdown();
      assertThat(won).as("winners of %s (refused: %s)", run, refused).hasSize(1);
      assertThat(refused).hasSize(n - 1).allSatisfy(m -> assertThat(m).startsWith("run " + run + " is held by"));
      assertThat(new LeaseTable(spark(), table()).read(run)).isPresent(); // exactly one row (read checks)
      won.get(0).close();
    }
  }

  @Test
  void leaseSettingsAreValidated() {
    assertThat(ConfigLoader.load(null, Map.of()).train().lease()).isEqualTo(new LeaseConfig(300, 30));
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("train.lease.heartbeat-seconds", "200")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid config key 'train.lease.heartbeat-seconds': must be at most half of"
            + " train.lease.ttl-seconds (300) so one late renewal does not let a live holder's lease expire, got 200");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("train.lease.ttl-seconds", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("train.lease.ttl-seconds");
  }
}
