package io.longctx.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

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
 * absolute paths aside). Both runs are separate JVMs started with the {@code train} command line, as a nightly
 * scheduler would start them.
 */
class KillResumeTest extends SparkTestBase {
  @TempDir Path dir;

  private static final Path CHILD_LOG =
      Path.of(System.getProperty("longctx.build.dir", "target"), "kill-resume-child.log");

  private static String tail(Path log) throws java.io.IOException {
    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of("(no log)");
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  @Test
  void killedAndResumedRunEqualsUninterruptedRun() throws Exception {
    Path a = dir.resolve("uninterrupted");
    Path b = dir.resolve("killed");
    for (Path w : List.of(a, b)) {
      TinyRuns.writeSamples(spark(), Warehouse.at(w.toString()).table(Warehouse.SAMPLES));
    }
    // A: the uninterrupted reference, run by the same command line as B so both use identical Spark settings.
    Process ref = launchTrain(a, CHILD_LOG.resolveSibling("kill-resume-reference.log"));
    assertThat(ref.waitFor(20, TimeUnit.MINUTES)).isTrue();
    assertThat(ref.exitValue()).as("reference run; its log ends:%n%s",
        tail(CHILD_LOG.resolveSibling("kill-resume-reference.log"))).isZero();

    // B: a separate JVM runs the same training; kill -9 it once step 1's weights are on disk, i.e. while it is
    // finishing step 1 (metrics, commit) or running step 2.
    Process p = launchTrain(b, CHILD_LOG);
    Path step1 = Warehouse.at(b.toString()).dir("checkpoint-files").resolve("r").resolve("step-000001")
        .resolve(PolicyState.OPTIMIZER_FILE);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
    while (p.isAlive() && System.nanoTime() < deadline && !Files.exists(step1)) {
      Thread.sleep(100);
    }
    assertThat(p.isAlive()).as("the training process should still be running; its log ends:%n%s",
        tail(CHILD_LOG)).isTrue();
    Thread.sleep(2000);
    p.destroyForcibly(); // SIGKILL
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tail(CHILD_LOG)).as("the child must have been interrupted").doesNotContain("\"finished\":true");
    StepTables tables = new StepTables(spark());
    long committedAtKill = tables.lastCommittedStep(Warehouse.at(b.toString()).table(Warehouse.CHECKPOINTS), "r")
        .orElse(0);
    assertThat(committedAtKill).isBetween(0L, 3L);

    Process resume = launchTrain(b, CHILD_LOG.resolveSibling("kill-resume-resumed.log"));
    assertThat(resume.waitFor(20, TimeUnit.MINUTES)).isTrue();
    String resumedLog = tail(CHILD_LOG.resolveSibling("kill-resume-resumed.log"));
    assertThat(resume.exitValue()).as("resumed run; its log ends:%n%s", resumedLog).isZero();
    assertThat(resumedLog).contains("\"first_step\":" + (committedAtKill + 1)).contains("\"finished\":true");

    for (String table : List.of(Warehouse.CHECKPOINTS, Warehouse.ROLLOUTS, Warehouse.METRICS,
        Warehouse.HARD_SAMPLES)) {
      assertThat(rows(b, table, VERSION_COLUMNS)).as(table).isEqualTo(rows(a, table, VERSION_COLUMNS));
    }
    // Delta versions are positions in each table's history, and the killed attempt left commits there, so the
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

  private static final List<String> VERSION_COLUMNS =
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

  private static Process launchTrain(Path warehouse, Path log) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.longctx.jobs.cli.LongctxCli");
    cmd.add("train");
    cmd.add("--conf");
    cmd.add("conf/local.yaml");
    for (Map.Entry<String, String> e : TinyRuns.overrides(warehouse, "r").entrySet()) {
      cmd.add("--set");
      cmd.add(e.getKey() + "=" + e.getValue());
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("OPT_OUT_TRACKING", "true");
    return pb.start();
  }

  /** The module opens and DJL settings the test JVM itself was started with. */
  private static List<String> jvmOptions() {
    List<String> opts = new ArrayList<>(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
    opts.removeIf(o -> o.startsWith("-javaagent") || o.startsWith("-agentlib") || o.startsWith("-Xmx"));
    opts.add("-Xmx3g");
    return opts;
  }
}
