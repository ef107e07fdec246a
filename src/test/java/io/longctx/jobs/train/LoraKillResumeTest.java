package io.longctx.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.longctx.jobs.Warehouse;
import io.longctx.policy.lora.AdapterCheckpoints;
import io.longctx.testing.SparkTestBase;
import io.longctx.testing.TableText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KillResumeTest} with LoRA: a {@code train} process (LoRA RL, adapter dropout on) killed with SIGKILL in the
 * middle of a step and resumed ends with the same adapter and optimizer bytes at every step, and the same table
 * rows, as an uninterrupted run. (The lease races are KillResumeTest's; the resumed invocation steals the dead
 * holder's lease instead of waiting for it to expire.)
 */
class LoraKillResumeTest extends SparkTestBase {
  @TempDir Path dir;

  private static final Map<String, String> LORA = Map.of("policy.lora",
      "{enabled: true, rank: 4, alpha: 8, dropout: 0.1, target-modules: [q_proj, k_proj, v_proj, o_proj, gate_proj,"
          + " up_proj, down_proj], stages: [train]}");

  private static Path log(String name) {
    return Path.of(System.getProperty("longctx.build.dir", "target"), "lora-kill-resume-" + name + ".log");
  }

  @Test
  void killedAndResumedLoraRunEqualsUninterruptedRun() throws Exception {
    Path a = dir.resolve("uninterrupted");
    Path b = dir.resolve("killed");
    for (Path w : List.of(a, b)) {
      TinyRuns.writeSamples(spark(), Warehouse.at(w.toString()).table(Warehouse.SAMPLES));
    }
    Process ref = KillResumeTest.launchTrain(a, log("reference"), LORA);
    assertThat(ref.waitFor(20, TimeUnit.MINUTES)).isTrue();
    assertThat(ref.exitValue()).as("reference run; its log ends:%n%s", KillResumeTest.tail(log("reference")))
        .isZero();

    Process p = KillResumeTest.launchTrain(b, log("killed"), LORA);
    Path step1 = checkpoints(b).resolve("step-000001").resolve(PolicyState.OPTIMIZER_FILE);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
    while (p.isAlive() && System.nanoTime() < deadline && !Files.exists(step1)) {
      Thread.sleep(100);
    }
    assertThat(p.isAlive()).as("the training process should still be running; its log ends:%n%s",
        KillResumeTest.tail(log("killed"))).isTrue();
    Thread.sleep(2000);
    p.destroyForcibly(); // SIGKILL
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(KillResumeTest.tail(log("killed"))).doesNotContain("\"finished\":true");

    Process resume = KillResumeTest.launchTrain(b, log("resumed"), LORA, "--steal-lease");
    assertThat(resume.waitFor(20, TimeUnit.MINUTES)).isTrue();
    String resumed = KillResumeTest.tail(log("resumed"));
    assertThat(resume.exitValue()).as("resumed run; its log ends:%n%s", resumed).isZero();
    assertThat(resumed).contains("\"finished\":true");

    Set<String> skip = new HashSet<>(TrainTables.TIMINGS);
    skip.addAll(KillResumeTest.VERSION_COLUMNS);
    for (String table : List.of(Warehouse.CHECKPOINTS, Warehouse.ROLLOUTS, Warehouse.METRICS,
        Warehouse.HARD_SAMPLES)) {
      assertThat(TableText.rows(spark(), Warehouse.at(b.toString()), table, skip)).as(table)
          .isEqualTo(TableText.rows(spark(), Warehouse.at(a.toString()), table, skip));
    }
    for (String step : List.of("step-000001", "step-000002", "step-000003", "step-000004")) {
      assertThat(AdapterCheckpoints.isAdapter(checkpoints(a).resolve(step))).isTrue();
      for (String f : List.of(AdapterCheckpoints.WEIGHTS_FILE, PolicyState.OPTIMIZER_FILE)) {
        assertThat(Files.readAllBytes(checkpoints(b).resolve(step).resolve(f))).as(step + "/" + f)
            .isEqualTo(Files.readAllBytes(checkpoints(a).resolve(step).resolve(f)));
      }
    }
  }

  private static Path checkpoints(Path warehouse) {
    return Warehouse.at(warehouse.toString()).dir("checkpoint-files").resolve("r");
  }
}
