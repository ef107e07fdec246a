package io.longctx.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longctx.jobs.Warehouse;
import io.longctx.jobs.train.TinyRuns;
import io.longctx.jobs.train.TrainTables;
import io.longctx.testing.SparkTestBase;
import io.longctx.testing.TableText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * {@code synth}, {@code curate} and {@code train} run as separate driver JVMs against a real Spark standalone
 * cluster (a master and two one-core workers on 127.0.0.1, each executor its own JVM) write exactly the tables
 * the same commands write on {@code local[2]}: samples, quarantine, rollouts, metrics (timings aside),
 * checkpoints and hard_samples, and byte-identical checkpoint files. Rollouts are seeded per
 * (seed, step, sample) and partitioned by data, so where a partition runs must not change any value.
 */
class StandaloneClusterTest extends SparkTestBase {
  private static final Path LOGS = Path.of(System.getProperty("longctx.build.dir", "target"), "standalone-cluster");
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(20);
  private static final List<String> APPS = List.of("longctx-curate", "longctx-train");

  @Test
  void curateAndTrainOnAStandaloneClusterWriteTheTablesOfALocalRun() throws Exception {
    // everything (warehouses, driver, master, worker and executor logs) stays under target/ for a post-mortem
    deleteTree(LOGS);
    Warehouse onCluster = Warehouse.at(LOGS.resolve("cluster").resolve("warehouse").toString());
    Warehouse local = Warehouse.at(LOGS.resolve("local").resolve("warehouse").toString());
    // The local reference run goes alongside the cluster run: a cluster driver mostly waits on executor round
    // trips, so the two together take little more wall time than the cluster run alone.
    ExecutorService background = Executors.newSingleThreadExecutor();
    try {
      Future<?> localRun = background.submit(() -> {
        runPipeline(local, Map.of("spark.master", "local[2]"), "local");
        return null;
      });
      try (StandaloneCluster cluster = StandaloneCluster.start(LOGS.resolve("cluster"), 2)) {
        Map<String, String> spark = new LinkedHashMap<>();
        spark.put("spark.master", cluster.masterUrl());
        spark.put("spark.conf", new ObjectMapper().writeValueAsString(cluster.executorConf()));
        runPipeline(onCluster, spark, "cluster");
        assertExecutorsRanOnEveryWorker(cluster);
      }
      awaitLocalRun(localRun);
    } finally {
      background.shutdownNow(); // interrupts a local run still going; its driver JVM is then stopped
    }

    SoftAssertions soft = new SoftAssertions();
    Map<String, List<String>> clusterRows = new LinkedHashMap<>();
    for (String table : List.of(Warehouse.SAMPLES, Warehouse.QUARANTINE, Warehouse.ROLLOUTS, Warehouse.METRICS,
        Warehouse.CHECKPOINTS, Warehouse.HARD_SAMPLES)) {
      List<String> rows = TableText.rows(spark(), onCluster, table, TrainTables.TIMINGS);
      clusterRows.put(table, rows);
      soft.assertThat(rows).as("table %s: cluster run vs local run", table).isNotEmpty()
          .containsExactlyElementsOf(TableText.rows(spark(), local, table, TrainTables.TIMINGS));
    }
    // the runs did the work the comparison is about: 24 synthetic + 1 plain sample, the 3 broken lines
    // quarantined with their reasons, the starting checkpoint (step 0, init) and one committed checkpoint per step
    soft.assertThat(clusterRows.get(Warehouse.SAMPLES)).hasSize(25);
    soft.assertThat(clusterRows.get(Warehouse.QUARANTINE)).hasSize(3)
        .anyMatch(r -> r.contains("MALFORMED_JSON")).anyMatch(r -> r.contains("EMPTY_QUESTION"))
        .anyMatch(r -> r.contains("EMPTY_ANSWER"));
    soft.assertThat(clusterRows.get(Warehouse.CHECKPOINTS)).hasSize(3);
    soft.assertThat(clusterRows.get(Warehouse.ROLLOUTS)).hasSizeGreaterThanOrEqualTo(8);
    soft.assertAll();
    assertSameFiles(onCluster.dir("checkpoint-files"), local.dir("checkpoint-files"));
  }

  private static void awaitLocalRun(Future<?> run) throws Exception {
    try {
      run.get(STEP_TIMEOUT.toMinutes() * 3, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw (Exception) e.getCause();
    }
  }

  /** synth, then curate over synth's records plus three broken ones, then a two-step train. */
  private static void runPipeline(Warehouse wh, Map<String, String> spark, String label) throws Exception {
    Path logs = LOGS.resolve(label);
    Map<String, String> common = new LinkedHashMap<>();
    common.put("warehouse", wh.root().toString());
    common.putAll(spark);
    common.put("spark.shuffle-partitions", "2");
    common.put("synth.samples", "24");
    common.put("synth.heldout-samples", "4");
    common.put("synth.length-bands", "[{min: 300, max: 470, share: 0.5}, {min: 600, max: 970, share: 0.5}]");
    common.put("curate.buckets", "[512, 1024]");
    common.put("policy.tokenizer", "byte"); // the bands and buckets above are in byte tokens
    run("synth", common, List.of(), logs);
    Path bad = Files.createDirectories(wh.dir("inputs")).resolve("extra.jsonl");
    Files.writeString(bad, String.join("\n",
        "{\"id\": \"plain-1\", \"context\": \"The vault code of Orrin is 4711. Orrin lives in Tarsk.\","
            + " \"question\": \"What is the vault code of Orrin?\", \"answer\": \"4711\","
            + " \"source\": \"synth_retrieval\"}",
        "{\"id\": \"bad-question\", \"context\": \"Some document.\", \"question\": \"  \", \"answer\": \"7\","
            + " \"source\": \"synth_retrieval\"}",
        "{\"id\": \"bad-answer\", \"context\": \"Some document.\", \"question\": \"What?\", \"answer\": \"\","
            + " \"source\": \"synth_retrieval\"}",
        "this line is not JSON",
        ""));
    run("curate", withAppName(common, "longctx-curate"),
        List.of("--input", wh.dir("synth").resolve("train.jsonl").toString(), "--input", bad.toString()), logs);
    run("train", withAppName(trainOverrides(common), "longctx-train"), List.of(), logs);
  }

  private static Map<String, String> withAppName(Map<String, String> m, String name) {
    Map<String, String> out = new LinkedHashMap<>(m);
    out.put("spark.app-name", name);
    return out;
  }

  /** {@link TinyRuns}' 1-layer model and batches, two one-step phases matching the two length buckets. */
  private static Map<String, String> trainOverrides(Map<String, String> common) {
    Map<String, String> m = TinyRuns.overrides(Path.of(common.get("warehouse")), "r");
    m.putAll(common);
    m.put("curriculum.phases", TinyRuns.TWO_BUCKET_PHASES);
    return m;
  }

  /** Runs one {@code longctx} command as a driver JVM and fails with its log's tail unless it exits 0. */
  private static String run(String command, Map<String, String> overrides, List<String> args, Path logs)
      throws Exception {
    List<String> cli = new ArrayList<>(List.of(command, "--conf", "conf/local.yaml"));
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      cli.add("--set");
      cli.add(e.getKey() + "=" + e.getValue());
    }
    cli.addAll(args);
    try (ChildJvm p = ChildJvm.start("longctx " + command + " (" + logs.getFileName() + ")", "2g",
        "io.longctx.jobs.cli.LongctxCli", cli, StandaloneCluster.env(null), logs.resolve(command + ".log"))) {
      return p.awaitSuccess(STEP_TIMEOUT);
    }
  }

  /**
   * The master lists both applications as finished, and in each of them every worker ran an executor JVM
   * that ran tasks (its log has the executor's "Running task" lines).
   */
  private static void assertExecutorsRanOnEveryWorker(StandaloneCluster cluster) throws Exception {
    JsonNode status = cluster.status();
    assertThat(status.path("aliveworkers").asInt()).as("alive workers").isEqualTo(2);
    Map<String, String> idsByName = new LinkedHashMap<>();
    for (JsonNode app : status.path("completedapps")) {
      assertThat(app.path("state").asText()).as("state of %s", app).isEqualTo("FINISHED");
      idsByName.put(app.path("name").asText(), app.path("id").asText());
    }
    assertThat(idsByName.keySet()).as("completed applications; cluster logs:%s", cluster.logs())
        .containsExactlyInAnyOrderElementsOf(APPS);
    for (String name : APPS) {
      List<List<Path>> perWorker = cluster.executorLogs(idsByName.get(name));
      for (int w = 0; w < perWorker.size(); w++) {
        assertThat(perWorker.get(w)).as("%s: executors of worker %d in %s", name, w + 1, cluster.workDirs())
            .isNotEmpty();
        boolean ranTasks = false;
        for (Path log : perWorker.get(w)) {
          ranTasks |= Files.readString(log).contains("Running task");
        }
        assertThat(ranTasks).as("%s: an executor of worker %d ran tasks (%s)", name, w + 1, perWorker.get(w))
            .isTrue();
      }
    }
  }

  /** The same relative file names under both directories, with byte-identical contents. */
  private static void assertSameFiles(Path a, Path b) throws IOException {
    List<Path> filesA = relativeFiles(a);
    assertThat(filesA).as("files under %s", a).isNotEmpty().anyMatch(p -> p.endsWith("model.safetensors"));
    assertThat(relativeFiles(b)).as("files under %s", b).containsExactlyElementsOf(filesA);
    for (Path f : filesA) {
      assertThat(Files.readAllBytes(a.resolve(f))).as("checkpoint file %s", f)
          .isEqualTo(Files.readAllBytes(b.resolve(f)));
    }
  }

  private static List<Path> relativeFiles(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
