package io.longctx.rewards.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.common.http.RetryingHttp;
import io.longctx.rewards.Judge;
import io.longctx.rewards.JudgePrompt;
import io.longctx.rewards.JudgeVerdict;
import io.longctx.rewards.Judges;
import io.longctx.rewards.RewardsConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * The OpenAI-compatible chat-completions judge. Retries 429, 5xx, timeouts and connection failures up to
 * {@code max-retries} times through {@link RetryingHttp}, waiting {@code backoff-base-ms * 2^attempt} (capped at
 * 64 s; a numeric {@code Retry-After} is honoured up to the same cap). A 200 reply whose body is not a chat completion,
 * and any other 4xx, is not retried and yields {@link JudgeVerdict#ERROR}. Requests run on one small daemon
 * thread pool per JVM and endpoint with {@code concurrency} threads, which is the concurrency limit.
 */
public final class OpenAiJudge implements Judge {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RewardsConfig.JudgeConfig cfg;
  private final Judges.SerializableEnv env;
  private transient volatile RetryingHttp http;

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
    RetryingHttp.Outcome<String> o = http().send(buildRequest(request), OpenAiJudge::content);
    if (o instanceof RetryingHttp.Outcome.Ok<String> ok && ok.value() != null) {
      return new Result(JudgePrompt.parse(ok.value()), ok.value());
    }
    return new Result(JudgeVerdict.ERROR, null);
  }

  /** The delay before retry {@code attempt + 1}: {@code base * 2^attempt}, capped at 64 s. */
  long backoffMs(int attempt) {
    return http().backoffMs(attempt);
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

  private RetryingHttp http() {
    RetryingHttp c = http;
    if (c == null) {
      synchronized (this) {
        if (http == null) {
          http = new RetryingHttp(new RetryingHttp.Policy(cfg.timeoutMs(), cfg.maxRetries(), cfg.backoffBaseMs(),
              false));
        }
        c = http;
      }
    }
    return c;
  }

  private ExecutorService pool() {
    return RetryingHttp.pool(cfg.endpoint(), cfg.concurrency(), "longctx-judge");
  }

  /** Never prints the key: only the endpoint and model. */
  @Override
  public String toString() {
    return "OpenAiJudge[" + cfg.endpoint() + ", model=" + cfg.model() + "]";
  }
}
