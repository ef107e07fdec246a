package io.longctx.cluster;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Java child process started from the test JVM's own classpath and JVM options (module opens, DJL settings),
 * with stdout and stderr in one log file. Stopping it also stops every process it started (a worker's
 * executors), so nothing outlives the test.
 */
public final class ChildJvm implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  /** Stops the process if the test JVM itself is stopped (e.g. by surefire) before {@link #close()} runs. */
  private final Thread onExit = new Thread(this::stop, "stop child JVM");

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    Runtime.getRuntime().addShutdownHook(onExit);
  }

  /**
   * Starts {@code java <options> -Xmx<heap> -cp <test classpath> <mainClass> <args>} with {@code env} added to
   * this JVM's environment.
   */
  public static ChildJvm start(String name, String heap, String mainClass, List<String> args, Map<String, String> env,
      Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions());
    cmd.add("-Xmx" + heap);
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(mainClass);
    cmd.addAll(args);
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return new ChildJvm(name, pb.start(), log);
  }

  /** The test JVM's classpath (surefire sets {@code java.class.path} to the full test classpath). */
  public static String classPath() {
    return System.getProperty("java.class.path");
  }

  /** The module opens and system properties the test JVM was started with, minus agents and heap size. */
  public static List<String> jvmOptions() {
    List<String> opts = new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments());
    opts.removeIf(o -> o.startsWith("-javaagent") || o.startsWith("-agentlib") || o.startsWith("-Xmx")
        || o.startsWith("-Xms") || o.startsWith("-XX:+HeapDumpOnOutOfMemoryError") || o.startsWith("-Dsurefire")
        || o.startsWith("-Dbasedir") || o.startsWith("-Duser.dir"));
    return opts;
  }

  String name() {
    return name;
  }

  Path log() {
    return log;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits for the process to exit with status 0 and returns its log; fails with the log's tail when it runs
   * past {@code timeout} (the process is then stopped) or exits with another status.
   */
  public String awaitSuccess(Duration timeout) throws IOException, InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      close();
      throw new AssertionError(name + " did not finish within " + timeout + "; stopped it. Its log ("
          + log + ") ends:\n" + tail(40));
    }
    if (process.exitValue() != 0) {
      throw new AssertionError(name + " exited with status " + process.exitValue() + ". Its log (" + log
          + ") ends:\n" + tail(40));
    }
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** The last {@code n} lines of the log. */
  String tail(int n) {
    return tail(log, n);
  }

  static String tail(Path file, int n) {
    try {
      if (!Files.exists(file)) {
        return "(no log at " + file + ")";
      }
      List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  /** Stops the process and its descendants: SIGTERM first, SIGKILL for whatever is left after 10 seconds. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs (or ran) stop() itself
    }
    stop();
  }

  private void stop() {
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.add(process.toHandle());
    for (ProcessHandle p : all) {
      p.destroy();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (ProcessHandle p : all) {
      while (p.isAlive() && System.nanoTime() < deadline) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }
}
