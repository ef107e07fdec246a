package io.longctx.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longctx.cluster.ChildJvm;
import io.longctx.jobs.TrainPolicyJob;
import io.longctx.jobs.Warehouse;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.policy.lora.AdapterCheckpoints;
import io.longctx.policy.serve.ServeFixtures;
import io.longctx.testing.SparkTestBase;
import io.longctx.testing.TableText;
import io.longctx.transforms.rollout.FaultProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train.rollout.backend: http} against {@code longctx serve} in a child JVM on a LoRA run with
 * {@code weights: auto}: step 1's full checkpoint goes to the server through {@code /update_weights_from_disk}, step
 * 2's adapter through {@code /v1/load_lora_adapter} (over its base, pushed first). The server is killed (SIGKILL) in
 * the middle of step 2's rollouts: the step fails without a commit, and the run resumed against a restarted server
 * ends with the same rollouts, rewards, ledger, metrics and adapter/optimizer bytes as an uninterrupted run with the
 * built-in engine and the same seeds.
 */
class HttpBackendTrainTest extends SparkTestBase {
  @TempDir Path dir;

  private static final Path LOGS = Path.of(System.getProperty("longctx.build.dir", "target"));

  /** {@code longctx serve} in a child JVM on a free port; returns the process and its base URL. */
  static Object[] startServer(Path model, Path log) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ChildJvm.jvmOptions());
    cmd.add("-Xmx1g");
    cmd.add("-cp");
    cmd.add(ChildJvm.classPath());
    cmd.addAll(List.of("io.longctx.jobs.cli.LongctxCli", "serve", "--model", model.toString(), "--port", "0",
        "--tokenizer", "byte", "--chat-template", "plain", "--served-model-name", "tiny", "--device", "cpu",
        "--set", "policy.cpu-threads=1"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Pattern url = Pattern.compile("\"url\":\"(http://[^\"]+)\"");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline && p.isAlive()) {
      Matcher m = url.matcher(Files.exists(log) ? Files.readString(log) : "");
      if (m.find()) {
        return new Object[] {p, m.group(1)};
      }
      Thread.sleep(100);
    }
    p.destroyForcibly();
    throw new AssertionError("serve did not start; its log ends:\n" + KillResumeTest.tail(log));
  }

  /** The tiny run with one step per phase: step 1 (short prompts), then step 2 (long), which is killed. */
  private static Map<String, String> overrides(Path warehouse) {
    Map<String, String> m = TinyRuns.overrides(warehouse, "r");
    m.put("curriculum.phases", "[{name: short, max-input-tokens: 90, max-response-tokens: 6, steps: 1},"
        + " {name: long, max-input-tokens: 400, max-response-tokens: 6, steps: 1}]");
    return m;
  }

  private List<Row> logprobs(Path warehouse) {
    return spark().read().format("delta").load(Warehouse.at(warehouse.toString()).table(Warehouse.ROLLOUTS))
        .orderBy("step", "attempt", "sample_id", "response_index").select("logprobs").collectAsList();
  }

  private static Map<String, String> lora(Map<String, String> m) {
    m.put("policy.lora", "{enabled: true, rank: 4, alpha: 8, dropout: 0.0, target-modules: [q_proj, v_proj],"
        + " stages: [train]}");
    return m;
  }

  @Test
  void httpLoraRunKilledMidStepAndResumedEqualsBuiltinRun() throws Exception {
    Path a = dir.resolve("builtin");
    Path b = dir.resolve("http");
    for (Path w : List.of(a, b)) {
      TinyRuns.writeSamples(spark(), Warehouse.at(w.toString()).table(Warehouse.SAMPLES));
    }
    new TrainPolicyJob(spark(), ConfigLoader.load(null, lora(overrides(a))), Warehouse.at(a.toString())).execute();

    // the server starts on unrelated weights: step 1's full checkpoint, then each adapter's base, are pushed to it
    Path initial = ServeFixtures.model(dir.resolve("server-start"), 99);
    Object[] first = startServer(initial, LOGS.resolve("http-backend-serve-1.log"));
    Process server = (Process) first[0];
    try (FaultProxy proxy = new FaultProxy((String) first[1], 1000)) {
      Path step1 = Warehouse.at(b.toString()).dir("checkpoint-files").resolve("r").resolve("step-000001")
          .resolve(PolicyState.OPTIMIZER_FILE);
      AtomicBoolean killed = new AtomicBoolean();
      proxy.beforeForward(path -> {
        if (path.endsWith("/completions") && Files.exists(step1) && killed.compareAndSet(false, true)) {
          server.destroyForcibly(); // SIGKILL in the middle of step 2's rollouts (step 1's adapter loaded)
          try {
            server.waitFor(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      });
      Map<String, String> sets = lora(overrides(b));
      sets.put("train.rollout.backend", "http");
      sets.put("train.rollout.endpoint", proxy.url() + "/v1");
      sets.put("train.rollout.model", "tiny");
      sets.put("train.rollout.weights", "auto");
      sets.put("train.rollout.max-retries", "1");
      sets.put("train.rollout.backoff-base-ms", "10");
      sets.put("train.rollout.timeout-ms", "60000");
      LongctxConfig http = ConfigLoader.load(null, sets);
      Warehouse whB = Warehouse.at(b.toString());
      assertThatThrownBy(() -> new TrainPolicyJob(spark(), http, whB).execute())
          .hasStackTraceContaining("Rollouts for sample")
          .hasStackTraceContaining("The step is not committed");
      assertThat(killed).isTrue();
      StepTables tables = new StepTables(spark());
      assertThat(tables.lastCommittedStep(whB.table(Warehouse.CHECKPOINTS), "r")).hasValue(1L);

      Object[] second = startServer(initial, LOGS.resolve("http-backend-serve-2.log"));
      Process restarted = (Process) second[0];
      try {
        proxy.retarget((String) second[1]);
        TrainPolicyJob.Result resumed = new TrainPolicyJob(spark(), http, whB).execute();
        assertThat(resumed.firstStep()).isEqualTo(2);
        assertThat(resumed.finished()).isTrue();
        assertThat(ServeFixtures.get(second[1] + "/v1/models").body()).contains("\"r-step-000001\"");
      } finally {
        restarted.destroyForcibly();
      }
    } finally {
      server.destroyForcibly();
    }

    // every row equal but the sampler's log-probs, which may differ in the last bit (the server batches both
    // partitions' groups together, and the LoRA path's small products round differently by batch size)
    Set<String> dropped = new HashSet<>(TrainTables.TIMINGS);
    dropped.add("server_logprob_mad");
    dropped.add("logprobs");
    dropped.addAll(KillResumeTest.VERSION_COLUMNS);
    for (String table : List.of(Warehouse.CHECKPOINTS, Warehouse.ROLLOUTS, Warehouse.METRICS,
        Warehouse.HARD_SAMPLES)) {
      assertThat(TableText.rows(spark(), Warehouse.at(b.toString()), table, dropped)).as(table)
          .isEqualTo(TableText.rows(spark(), Warehouse.at(a.toString()), table, dropped));
    }
    List<Row> lpA = logprobs(a);
    List<Row> lpB = logprobs(b);
    assertThat(lpB).hasSameSizeAs(lpA);
    for (int i = 0; i < lpA.size(); i++) {
      List<Float> x = lpA.get(i).getList(0);
      List<Float> y = lpB.get(i).getList(0);
      assertThat(y).hasSameSizeAs(x);
      for (int t = 0; t < x.size(); t++) {
        assertThat(y.get(t)).isCloseTo(x.get(t), org.assertj.core.data.Offset.offset(1e-4f));
      }
    }
    Path ckA = Warehouse.at(a.toString()).dir("checkpoint-files").resolve("r");
    Path ckB = Warehouse.at(b.toString()).dir("checkpoint-files").resolve("r");
    for (String step : List.of("step-000001", "step-000002")) {
      for (String f : List.of(AdapterCheckpoints.WEIGHTS_FILE, PolicyState.OPTIMIZER_FILE)) {
        assertThat(Files.readAllBytes(ckB.resolve(step).resolve(f))).as(step + "/" + f)
            .isEqualTo(Files.readAllBytes(ckA.resolve(step).resolve(f)));
      }
    }
    List<Row> mad = spark().read().format("delta").load(Warehouse.at(b.toString()).table(Warehouse.METRICS))
        .where("run = 'r'").select("server_logprob_mad", "kept_groups").collectAsList();
    for (Row r : mad) {
      if (r.getDouble(1) > 0) {
        assertThat(r.getDouble(0)).as("server vs driver log-probs").isBetween(0.0, 1e-3);
      }
    }
  }
}
