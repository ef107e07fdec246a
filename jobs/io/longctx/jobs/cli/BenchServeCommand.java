package io.longctx.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.policy.PolicyConfig;
import io.longctx.policy.model.Devices;
import io.longctx.policy.model.Qwen2Config;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.serve.PolicyServer;
import io.longctx.policy.serve.ServeOptions;
import io.longctx.policy.tokenizer.ChatTemplate;
import io.longctx.policy.tokenizer.Tokenizer;
import io.longctx.policy.tokenizer.TokenizerSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code longctx bench serve}: a bounded loopback load test of {@code longctx serve}. Starts the server in-process
 * on a free loopback port (over {@code --model}, or the embedded model with random weights), then N client threads
 * each send their share of the requests back to back ({@code /v1/completions} with random token-id prompts) and
 * one JSON line per client count reports requests/s, generated tokens/s and p50/p99 latency.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Loopback load test of 'longctx serve': N concurrent clients; requests/s, tokens/s, p50/p99.")
public final class BenchServeCommand extends ConfiguredCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--model", paramLabel = "DIR",
      description = "Model directory (default: the embedded model of policy.embedded's shape, random weights).")
  Path model;

  @Option(names = "--clients", split = ",", defaultValue = "1,4,16",
      description = "Concurrent client counts to measure (default ${DEFAULT-VALUE}).")
  List<Integer> clients;

  @Option(names = "--requests", defaultValue = "64", description = "Requests per measurement (default ${DEFAULT-VALUE}).")
  int requests;

  @Option(names = "--prompt-tokens", defaultValue = "256", description = "Prompt length (default ${DEFAULT-VALUE}).")
  int promptTokens;

  @Option(names = "--max-tokens", defaultValue = "32", description = "max_tokens (default ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(names = "--n", defaultValue = "1", description = "Samples per request (default ${DEFAULT-VALUE}).")
  int n;

  @Option(names = "--row-budget", defaultValue = "64", description = "Server row budget (default ${DEFAULT-VALUE}).")
  int rowBudget;

  @Override
  protected int run(LongctxConfig config) throws Exception {
    PolicyConfig policy = config.policy();
    Devices.setCpuThreads(policy.cpuThreads());
    TokenizerSpec tokSpec = new TokenizerSpec(policy.tokenizer());
    int vocab;
    try (Tokenizer t = tokSpec.open()) {
      vocab = t.vocabSize();
    }
    Path dir = model;
    Path temp = null;
    if (dir == null) {
      temp = Files.createTempDirectory("longctx-bench-serve");
      dir = temp.resolve("model");
      try (Qwen2Model m = Qwen2Model.random(Qwen2Config.embedded(policy.embedded(), vocab), 1, Devices.resolve("cpu"))) {
        m.save(dir);
      }
    }
    ServeOptions options = ServeOptions.defaults(dir, tokSpec, ChatTemplate.PLAIN).withServedModelName("bench")
        .withLimits(Math.max(256, requests), rowBudget, Math.max(promptTokens, 1), Math.max(maxTokens, 1), 8 << 20)
        .withDevice(policy.device(), 2);
    try (PolicyServer server = PolicyServer.start(options)) {
      System.err.println("longctx bench serve: server at " + server.url() + " (model " + dir + ", row budget "
          + rowBudget + ")");
      measure(server.url(), 1, Math.min(8, requests), vocab, false); // warm-up
      for (int c : clients) {
        measure(server.url(), c, requests, vocab, true);
      }
    } finally {
      if (temp != null) {
        try (var walk = Files.walk(temp)) {
          walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
    return 0;
  }

  private void measure(String url, int clientCount, int total, int vocab, boolean print) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long[] latencies = new long[total];
    AtomicLong next = new AtomicLong();
    AtomicLong tokens = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(clientCount);
    long t0 = System.nanoTime();
    List<Future<?>> fs = new ArrayList<>();
    for (int c = 0; c < clientCount; c++) {
      fs.add(pool.submit(() -> {
        for (long i; (i = next.getAndIncrement()) < total; ) {
          Random rnd = new Random(i);
          StringBuilder ids = new StringBuilder();
          for (int k = 0; k < promptTokens; k++) {
            ids.append(k == 0 ? "" : ",").append(rnd.nextInt(Math.min(vocab, 256)));
          }
          String body = "{\"model\":\"bench\",\"prompt\":[" + ids + "],\"n\":" + n + ",\"max_tokens\":" + maxTokens
              + ",\"temperature\":0.7,\"top_p\":0.95,\"seed\":" + i + "}";
          long s = System.nanoTime();
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/completions"))
              .timeout(Duration.ofMinutes(10)).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
          latencies[(int) i] = System.nanoTime() - s;
          if (r.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
          }
          JsonNode j = JSON.readTree(r.body());
          tokens.addAndGet(j.path("usage").path("completion_tokens").asLong());
        }
        return null;
      }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    if (!print) {
      return;
    }
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    ObjectNode line = ConfigLoader.jsonMapper().createObjectNode();
    line.put("bench", "serve").put("clients", clientCount).put("requests", total).put("n", n)
        .put("prompt_tokens", promptTokens).put("max_tokens", maxTokens)
        .put("seconds", Math.round(seconds * 1000) / 1000.0)
        .put("requests_per_s", Math.round(total / seconds * 100) / 100.0)
        .put("generated_tokens_per_s", Math.round(tokens.get() / seconds * 10) / 10.0)
        .put("p50_ms", Math.round(percentile(sorted, 0.50) / 1e5) / 10.0)
        .put("p99_ms", Math.round(percentile(sorted, 0.99) / 1e5) / 10.0)
        .put("cpu_threads", Devices.cpuThreads())
        .put("load_average", Math.round(java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            .getSystemLoadAverage() * 100) / 100.0);
    System.out.println(line);
  }

  private static long percentile(long[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
