package io.longctx.rewards.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.rewards.Judge;
import io.longctx.rewards.JudgePrompt;
import io.longctx.rewards.JudgeVerdict;
import io.longctx.rewards.Judges;
import io.longctx.rewards.RewardsConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The OpenAI-compatible chat-completions judge. Retries 429, 5xx, timeouts and connection failures up to
 * {@code max-retries} times, waiting {@code backoff-base-ms * 2^attempt} (capped at 64 s; a numeric
 * {@code Retry-After} on a 429 is honoured up to the same cap). A 200 reply whose body is not a chat completion,
 * and any other 4xx, is not retried and yields {@link JudgeVerdict#ERROR}. Requests run on one small daemon
 * thread pool per JVM and endpoint with {@code concurrency} threads, which is the concurrency limit.
 */
public final class OpenAiJudge implements Judge {
  private static final long serialVersionUID = 1L;
  private static final long MAX_BACKOFF_MS = 64_000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, ExecutorService> POOLS = new ConcurrentHashMap<>();

  private final RewardsConfig.JudgeConfig cfg;
  private final Judges.SerializableEnv env;
  private transient volatile HttpClient client;

  public OpenAiJudge(RewardsConfig.JudgeConfig cfg, Judges.SerializableEnv env) {
    this.cfg = cfg;
    this.env = env;
  }

  @Override
  public Result judge(Request request) {
    try {
      return pool().submit(() -> call(request)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(JudgeVerdict.ERROR, null);
    } catch (java.util.concurrent.ExecutionException e) {
      return new Result(JudgeVerdict.ERROR, null);
    }
  }

  @Override
  public List<Result> judgeAll(List<Request> requests) {
    ExecutorService pool = pool();
    List<CompletableFuture<Result>> futures = new ArrayList<>(requests.size());
    for (Request r : requests) {
      futures.add(CompletableFuture.supplyAsync(() -> call(r), pool));
    }
    List<Result> out = new ArrayList<>(requests.size());
    for (CompletableFuture<Result> f : futures) {
      try {
        out.add(f.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        out.add(new Result(JudgeVerdict.ERROR, null));
      } catch (java.util.concurrent.ExecutionException e) {
        out.add(new Result(JudgeVerdict.ERROR, null));
      }
    }
    return out;
  }

  /** One judged request with retries; never throws. */
  Result call(Request request) {
    HttpRequest http = buildRequest(request);
    for (int attempt = 0; ; attempt++) {
      long retryAfterMs = -1;
      try {
        HttpResponse<String> resp = client().send(http, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = resp.statusCode();
        if (status == 200) {
          String content = content(resp.body());
          return content == null
              ? new Result(JudgeVerdict.ERROR, null)
              : new Result(JudgePrompt.parse(content), content);
        }
        if (status != 429 && status < 500) {
          return new Result(JudgeVerdict.ERROR, null);
        }
        if (status == 429) {
          retryAfterMs = retryAfterMs(resp);
        }
      } catch (IOException e) {
        // timeout or connection failure: retryable
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Result(JudgeVerdict.ERROR, null);
      }
      if (attempt >= cfg.maxRetries()) {
        return new Result(JudgeVerdict.ERROR, null);
      }
      if (!sleep(Math.max(backoffMs(attempt), retryAfterMs))) {
        return new Result(JudgeVerdict.ERROR, null);
      }
    }
  }

  /** The delay before retry {@code attempt + 1}: {@code base * 2^attempt}, capped at 64 s. */
  long backoffMs(int attempt) {
    long d = cfg.backoffBaseMs();
    for (int i = 0; i < attempt && d < MAX_BACKOFF_MS; i++) {
      d *= 2;
    }
    return Math.min(d, MAX_BACKOFF_MS);
  }

  private static long retryAfterMs(HttpResponse<String> resp) {
    return resp.headers().firstValue("Retry-After").map(v -> {
      try {
        return Math.min(MAX_BACKOFF_MS, Long.parseLong(v.trim()) * 1000);
      } catch (NumberFormatException e) {
        return -1L;
      }
    }).orElse(-1L);
  }

  private static boolean sleep(long ms) {
    try {
      Thread.sleep(Math.max(0, ms));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  HttpRequest buildRequest(Request request) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", cfg.model());
    ArrayNode messages = body.putArray("messages");
    messages.addObject().put("role", "system").put("content", JudgePrompt.SYSTEM);
    messages.addObject().put("role", "user")
        .put("content", JudgePrompt.user(request.question(), request.predicted(), request.gold()));
    body.put("temperature", 0.0);
    body.put("max_tokens", cfg.maxTokens());
    body.put("n", 1);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(chatUrl()))
        .timeout(Duration.ofMillis(cfg.timeoutMs()))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
    String key = apiKey();
    if (key != null && !key.isEmpty()) {
      b.header("Authorization", "Bearer " + key);
    }
    return b.build();
  }

  private String chatUrl() {
    String base = cfg.endpoint();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return base.endsWith("/chat/completions") ? base : base + "/chat/completions";
  }

  private String apiKey() {
    String name = cfg.apiKeyEnv();
    if (name == null || name.isBlank()) {
      return null;
    }
    return env != null ? env.apply(name) : System.getenv(name);
  }

  /** {@code choices[0].message.content}, or {@code null} when the body is not a chat completion. */
  static String content(String body) {
    try {
      JsonNode root = JSON.readTree(body);
      JsonNode c = root == null ? null : root.path("choices").path(0).path("message").path("content");
      return c != null && c.isTextual() ? c.asText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private HttpClient client() {
    HttpClient c = client;
    if (c == null) {
      synchronized (this) {
        if (client == null) {
          client = HttpClient.newBuilder()
              .connectTimeout(Duration.ofMillis(cfg.timeoutMs()))
              .version(HttpClient.Version.HTTP_1_1)
              .build();
        }
        c = client;
      }
    }
    return c;
  }

  private ExecutorService pool() {
    String key = cfg.endpoint() + "#" + cfg.concurrency();
    return POOLS.computeIfAbsent(key, k -> {
      AtomicInteger n = new AtomicInteger();
      return Executors.newFixedThreadPool(cfg.concurrency(), r -> {
        Thread t = new Thread(r, "longctx-judge-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    });
  }

  /** Never prints the key: only the endpoint and model. */
  @Override
  public String toString() {
    return "OpenAiJudge[" + cfg.endpoint() + ", model=" + cfg.model() + "]";
  }
}
