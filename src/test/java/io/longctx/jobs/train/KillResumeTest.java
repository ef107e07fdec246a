package io.longctx.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.longctx.cluster.ChildJvm;
import io.longctx.jobs.Warehouse;
import io.longctx.testing.SparkTestBase;
import io.longctx.testing.TableText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process killed with SIGKILL in the middle of a step and then resumed ends in the same state as an
 * uninterrupted run: identical checkpoint tensors and identical rows in every table (wall-clock timings and
 * absolute paths aside). Every run is a separate JVM started with the {@code train} command line, as a nightly
 * scheduler would start it, and the run lease keeps two of them from writing one run at once: of two invocations
 * started together exactly one proceeds and the other stops before it touches a table; the lease of a killed holder
 * blocks the next invocation until it expires, or until one takes it over with {@code --steal-lease}.
 */
class KillResumeTest extends SparkTestBase {
  @TempDir Path dir;

  private static final Path CHILD_LOG =
      Path.of(System.getProperty("longctx.build.dir", "target"), "kill-resume-child.log");

  /**
   * Short enough to wait for, long enough that a starting JVM on a busy machine finds a killed holder's lease (60 s
   * was too short once at load 6: the refused invocation started after the lease had expired and ran).
   */
  private static final int LEASE_TTL_S = 90;

  static String tail(Path log) throws java.io.IOException {
    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of("(no log)");
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private static Path log(String name) {
    return CHILD_LOG.resolveSibling("kill-resume-" + name + ".log");
  }

  @Test
  void killedAndResumedRunEqualsUninterruptedRun() throws Exception {
    Path a = dir.resolve("uninterrupted");
    Path b = dir.resolve("killed");
    for (Path w : List.of(a, b)) {
      TinyRuns.writeSamples(spark(), Warehouse.at(w.toString()).table(Warehouse.SAMPLES));
    }
    // A: the uninterrupted reference, run by the same command line as B so both use identical Spark settings.
    Process ref = launchTrain(a, log("reference"));
    assertThat(ref.waitFor(20, TimeUnit.MINUTES)).isTrue();
    assertThat(ref.exitValue()).as("reference run; its log ends:%n%s", tail(log("reference"))).isZero();

    // B: two invocations of the run start together (a scheduler retry overlapping a slow night): one proceeds, the
    // other stops at once with the lease message naming the first.
    Process first = launchTrain(b, CHILD_LOG);
    Process second = launchTrain(b, log("second"));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (first.isAlive() && second.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    Process p = first.isAlive() ? first : second;
    Process loser = p == first ? second : first;
    Path pLog = p == first ? CHILD_LOG : log("second");
    Path loserLog = p == first ? log("second") : CHILD_LOG;
    assertThat(loser.waitFor(1, TimeUnit.SECONDS)).isTrue();
    assertThat(p.isAlive()).as("one invocation must proceed; logs:%n%s%n---%n%s", tail(CHILD_LOG),
        tail(log("second"))).isTrue();
    assertThat(loser.exitValue()).as("the second invocation; its log ends:%n%s", tail(loserLog)).isEqualTo(1);
    assertThat(tail(loserLog)).containsPattern(heldBy(p.pid()));

    // Kill -9 the holder once step 1's weights are on disk, i.e. while it is finishing step 1 (metrics, commit) or
    // running step 2.
    Path step1 = Warehouse.at(b.toString()).dir("checkpoint-files").resolve("r").resolve("step-000001")
        .resolve(PolicyState.OPTIMIZER_FILE);
    deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
    while (p.isAlive() && System.nanoTime() < deadline && !Files.exists(step1)) {
      Thread.sleep(100);
    }
    assertThat(p.isAlive()).as("the training process should still be running; its log ends:%n%s",
        tail(pLog)).isTrue();
    Thread.sleep(2000);
    p.destroyForcibly(); // SIGKILL
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tail(pLog)).as("the child must have been interrupted").doesNotContain("\"finished\":true");
    StepTables tables = new StepTables(spark());
    long committedAtKill = tables.lastCommittedStep(Warehouse.at(b.toString()).table(Warehouse.CHECKPOINTS), "r")
        .orElse(0);
    assertThat(committedAtKill).isBetween(0L, 3L);

    // The dead holder's lease has not expired: the next invocation stops, and says who held the run.
    Process blocked = launchTrain(b, log("blocked"));
    assertThat(blocked.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(blocked.exitValue()).as("invocation during the dead holder's lease; its log ends:%n%s",
        tail(log("blocked"))).isEqualTo(1);
    assertThat(tail(log("blocked"))).containsPattern(heldBy(p.pid()));

    // --steal-lease takes it at once; that invocation is killed too while it holds the run.
    Process thief = launchTrain(b, log("steal"), "--steal-lease");
    LeaseTable leases = new LeaseTable(spark(), Warehouse.at(b.toString()).table(Warehouse.RUN_LEASES));
    deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (thief.isAlive() && System.nanoTime() < deadline
        && leases.read("r").map(l -> l.pid() != thief.pid()).orElse(true)) {
      Thread.sleep(200);
    }
    assertThat(thief.isAlive()).as("the stealing invocation; its log ends:%n%s", tail(log("steal"))).isTrue();
    Thread.sleep(1000);
    thief.destroyForcibly();
    assertThat(thief.waitFor(60, TimeUnit.SECONDS)).isTrue();

    // Once that lease expires, a plain invocation takes the run over and finishes it.
    java.time.Instant expiry = leases.read("r").orElseThrow().expiresAt();
    assertThat(expiry).isBefore(java.time.Instant.now().plusSeconds(LEASE_TTL_S + 1));
    Thread.sleep(Math.max(0, java.time.Duration.between(java.time.Instant.now(), expiry).toMillis()) + 500);
    long committed = tables.lastCommittedStep(Warehouse.at(b.toString()).table(Warehouse.CHECKPOINTS), "r")
        .orElse(0);
    Process resume = launchTrain(b, log("resumed"));
    assertThat(resume.waitFor(20, TimeUnit.MINUTES)).isTrue();
    String resumedLog = tail(log("resumed"));
    assertThat(resume.exitValue()).as("resumed run; its log ends:%n%s", resumedLog).isZero();
    assertThat(resumedLog).contains("\"first_step\":" + (committed + 1)).contains("\"finished\":true");
    assertThat(leases.read("r")).as("released at the end").isEmpty();

    // Neither refused invocation wrote a version of any table: every commit names a process that held the lease
    // (the ledger's merges are tagged with their step instead; only a step's holder gets that far).
    for (String table : List.of(Warehouse.CHECKPOINTS, Warehouse.ROLLOUTS, Warehouse.METRICS,
        Warehouse.HARD_SAMPLES)) {
      List<String> writers = DeltaTable.forPath(spark(), Warehouse.at(b.toString()).table(table)).history()
          .select("userMetadata").collectAsList().stream().map(r -> r.getString(0)).toList();
      assertThat(writers).as(table).allSatisfy(w -> assertThat(w)
          .matches("longctx host .+ pid \\d+|hard_samples step=\\d+ run=r").doesNotEndWith(" pid " + loser.pid()).doesNotEndWith(" pid " + blocked.pid()));
    }

    for (String table : List.of(Warehouse.CHECKPOINTS, Warehouse.ROLLOUTS, Warehouse.METRICS,
        Warehouse.HARD_SAMPLES)) {
      assertThat(rows(b, table, VERSION_COLUMNS)).as(table).isEqualTo(rows(a, table, VERSION_COLUMNS));
    }
    // Delta versions are positions in each table's history, and the killed attempts left commits there, so the
    // recorded version numbers may differ; what each step read and left must be the same ledger content.
    List<Row> commitsA = commitRows(a);
    List<Row> commitsB = commitRows(b);
    for (int i = 1; i < commitsA.size(); i++) {
      for (String v : List.of("hard_samples_version_read", "hard_samples_version")) {
        assertThat(ledgerAsOf(b, commitsB.get(i).getAs(v))).as("step %d %s", i, v)
            .isEqualTo(ledgerAsOf(a, commitsA.get(i).getAs(v)));
      }
    }
    Path ckA = Warehouse.at(a.toString()).dir("checkpoint-files").resolve("r");
    Path ckB = Warehouse.at(b.toString()).dir("checkpoint-files").resolve("r");
    for (String step : List.of("step-000001", "step-000002", "step-000003", "step-000004")) {
      for (String f : List.of("model.safetensors", PolicyState.OPTIMIZER_FILE)) {
        assertThat(Files.readAllBytes(ckB.resolve(step).resolve(f))).as(step + "/" + f)
            .isEqualTo(Files.readAllBytes(ckA.resolve(step).resolve(f)));
      }
    }
  }

  /** The lease message, as the CLI prints it, naming the holder by this machine's host name and its pid. */
  private static String heldBy(long pid) {
    return "longctx train: " + String.format(RunLeaseTest.HELD, "r",
        java.util.regex.Pattern.quote(ProcessIdentity.current().host()), pid);
  }

  static final List<String> VERSION_COLUMNS =
      List.of("samples_version", "hard_samples_version_read", "hard_samples_version");

  private List<Row> commitRows(Path warehouse) {
    return spark().read().format("delta").load(Warehouse.at(warehouse.toString()).table(Warehouse.CHECKPOINTS))
        .where("run = 'r'").orderBy("step").collectAsList();
  }

  /** The ledger rows at a Delta version (-1: the table did not exist yet). */
  private List<String> ledgerAsOf(Path warehouse, long version) {
    if (version < 0) {
      return List.of();
    }
    Dataset<Row> df = spark().read().format("delta").option("versionAsOf", version)
        .load(Warehouse.at(warehouse.toString()).table(Warehouse.HARD_SAMPLES));
    return TableText.rows(df, Warehouse.at(warehouse.toString()).root().toString(), TrainTables.TIMINGS);
  }

  /** Every row of a table as text, sorted; timings and {@code skip} dropped, warehouse paths made relative. */
  private List<String> rows(Path warehouse, String table, List<String> skip) {
    Set<String> dropped = new HashSet<>(TrainTables.TIMINGS);
    dropped.addAll(skip);
    return TableText.rows(spark(), Warehouse.at(warehouse.toString()), table, dropped);
  }

  private static Process launchTrain(Path warehouse, Path log, String... flags) throws Exception {
    return launchTrain(warehouse, log, Map.of(), flags);
  }

  /** A {@code train} child JVM on the tiny run "r" with the short lease, plus {@code extra} config settings. */
  static Process launchTrain(Path warehouse, Path log, Map<String, String> extra, String... flags)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ChildJvm.jvmOptions());
    cmd.add("-Xmx3g");
    cmd.add("-cp");
    cmd.add(ChildJvm.classPath());
    cmd.add("io.longctx.jobs.cli.LongctxCli");
    cmd.add("train");
    cmd.add("--conf");
    cmd.add("conf/local.yaml");
    Map<String, String> settings = new java.util.LinkedHashMap<>(TinyRuns.overrides(warehouse, "r"));
    settings.put("train.lease", "{ttl-seconds: " + LEASE_TTL_S + ", heartbeat-seconds: 5}");
    settings.putAll(extra);
    for (Map.Entry<String, String> e : settings.entrySet()) {
      cmd.add("--set");
      cmd.add(e.getKey() + "=" + e.getValue());
    }
    cmd.addAll(List.of(flags));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("OPT_OUT_TRACKING", "true");
    return pb.start();
  }
}
