package io.longctx.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on 127.0.0.1: one {@code Master} and {@code n} {@code Worker} JVMs with one
 * core each, started from the test classpath. No Spark distribution is needed: the workers get a minimal
 * {@code SPARK_HOME} (empty {@code jars/} and {@code conf/}), which is all a worker needs to build an
 * executor's command line; the executors find Spark, Delta, DJL and the project classes through
 * {@link #executorConf()}'s {@code spark.executor.extraClassPath}. Every port is chosen free at start.
 */
final class StandaloneCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  private final Path dir;
  private final int masterPort;
  private final int masterUiPort;
  private final List<Path> workDirs = new ArrayList<>();
  private final List<ChildJvm> processes = new ArrayList<>();

  private StandaloneCluster(Path dir) throws IOException {
    this.dir = dir;
    this.masterPort = freePort();
    this.masterUiPort = freePort();
  }

  /** Starts a master and {@code workers} workers under {@code dir} and waits until all workers are alive. */
  static StandaloneCluster start(Path dir, int workers) throws IOException, InterruptedException {
    StandaloneCluster c = new StandaloneCluster(dir);
    try {
      c.startAll(workers);
      return c;
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  private void startAll(int workers) throws IOException, InterruptedException {
    Path home = dir.resolve("spark-home");
    Files.createDirectories(home.resolve("jars"));
    Files.createDirectories(home.resolve("conf"));
    Files.writeString(executorLogConfig(), String.join("\n",
        "rootLogger.level = warn",
        "rootLogger.appenderRef.stderr.ref = stderr",
        "appender.stderr.type = Console",
        "appender.stderr.name = stderr",
        "appender.stderr.target = SYSTEM_ERR",
        "appender.stderr.layout.type = PatternLayout",
        "appender.stderr.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex",
        "# the task lines prove which executor ran what",
        "logger.executor.name = org.apache.spark.executor.Executor",
        "logger.executor.level = info",
        ""));
    processes.add(ChildJvm.start("spark master", "512m", "org.apache.spark.deploy.master.Master",
        List.of("--host", "127.0.0.1", "--port", String.valueOf(masterPort),
            "--webui-port", String.valueOf(masterUiPort)),
        env(home), dir.resolve("master.log")));
    for (int i = 1; i <= workers; i++) {
      Path work = Files.createDirectories(dir.resolve("worker-" + i));
      workDirs.add(work);
      processes.add(ChildJvm.start("spark worker " + i, "512m", "org.apache.spark.deploy.worker.Worker",
          List.of("--host", "127.0.0.1", "--port", String.valueOf(freePort()),
              "--webui-port", String.valueOf(freePort()), "--cores", "1", "--memory", "2g",
              "--work-dir", work.toString(), masterUrl()),
          env(home), dir.resolve("worker-" + i + ".log")));
    }
    awaitWorkers(workers);
  }

  /** The environment of the cluster's JVMs; the executors a worker starts inherit it. */
  static Map<String, String> env(Path sparkHome) {
    Map<String, String> env = new LinkedHashMap<>();
    if (sparkHome != null) {
      env.put("SPARK_HOME", sparkHome.toString());
      // the launcher library reads the Scala version from the build layout of a source checkout otherwise
      env.put("SPARK_SCALA_VERSION", "2.13");
    }
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("OPT_OUT_TRACKING", "true");
    String build = System.getProperty("longctx.build.dir", "target");
    env.put("DJL_CACHE_DIR", System.getenv().getOrDefault("DJL_CACHE_DIR", Path.of(build, "djl-cache").toString()));
    env.put("ENGINE_CACHE_DIR",
        System.getenv().getOrDefault("ENGINE_CACHE_DIR", Path.of(build, "djl-cache").toString()));
    return env;
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** The worker directories: {@code <app-id>/<executor-id>/stderr} for every executor a worker ran. */
  List<Path> workDirs() {
    return List.copyOf(workDirs);
  }

  private Path executorLogConfig() {
    return dir.resolve("spark-home").resolve("conf").resolve("executor-log4j2.properties");
  }

  /**
   * The Spark settings an application needs to run its executors on this cluster: the test classpath (Spark,
   * Delta, DJL, the project's classes), the test JVM's module opens and DJL settings, and a log config that
   * records each task an executor runs.
   */
  Map<String, String> executorConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.executor.extraClassPath", ChildJvm.classPath());
    conf.put("spark.executor.extraJavaOptions", String.join(" ", ChildJvm.jvmOptions())
        + " -Dlog4j2.configurationFile=" + executorLogConfig().toUri());
    conf.put("spark.executor.memory", "1g");
    return conf;
  }

  /** The master's status page as JSON ({@code /json/}: workers, active and completed applications). */
  JsonNode status() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUiPort + "/json/"))
        .timeout(Duration.ofSeconds(10)).GET().build();
    HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() != 200) {
      throw new IOException("master status page answered HTTP " + resp.statusCode() + ": " + resp.body());
    }
    return JSON.readTree(resp.body());
  }

  private void awaitWorkers(int workers) throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String last = "(the master's status page did not answer yet)";
    while (System.nanoTime() < deadline) {
      for (ChildJvm p : processes) {
        if (!p.isAlive()) {
          throw new AssertionError(p.name() + " exited while the cluster was starting" + logs());
        }
      }
      try {
        JsonNode s = status();
        last = s.toString();
        if (s.path("aliveworkers").asInt() == workers) {
          return;
        }
      } catch (IOException e) {
        last = "(status page: " + e + ")";
      }
      Thread.sleep(500);
    }
    throw new AssertionError("The standalone cluster did not get " + workers + " alive workers within "
        + START_TIMEOUT + "; the master's last status: " + last + logs());
  }

  /** The tail of every cluster process's log, for failure messages. */
  String logs() {
    return processes.stream()
        .map(p -> "\n--- " + p.name() + " (" + p.log() + ") ends:\n" + p.tail(20))
        .collect(Collectors.joining());
  }

  /** The {@code stderr} files of the executors each worker ran for {@code appId}, one list per worker. */
  List<List<Path>> executorLogs(String appId) {
    List<List<Path>> out = new ArrayList<>();
    for (Path w : workDirs) {
      Path app = w.resolve(appId);
      if (!Files.isDirectory(app)) {
        out.add(List.of());
        continue;
      }
      try (Stream<Path> s = Files.list(app)) {
        out.add(s.map(e -> e.resolve("stderr")).filter(Files::isRegularFile).sorted().toList());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  /** Stops the workers (and with them any executor) first, then the master. */
  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
  }
}
