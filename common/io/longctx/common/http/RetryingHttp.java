package io.longctx.common.http;

import java.io.IOException;
import java.io.Serializable;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Sends one request to an OpenAI-compatible server until it has a final answer. Retries 429, 5xx, timeouts and
 * connection failures (a reply cut short included) up to {@code maxRetries} times, waiting
 * {@code backoffBaseMs * 2^attempt} (capped at 64 s; a numeric {@code Retry-After} on a 429 or 503 is honoured up to
 * the same cap). A 200 reply is handed to the caller's parser: a parser that throws {@link MalformedReply} marks the
 * reply retryable (a proxy or server hiccup) when {@link Policy#retryMalformed} is set, else final. Any other 4xx is
 * final at once. Thread-safe; one HTTP/1.1 client per instance.
 */
public final class RetryingHttp {
  private static final long MAX_BACKOFF_MS = 64_000;
  private static final Map<String, ExecutorService> POOLS = new ConcurrentHashMap<>();

  /**
   * @param timeoutMs per-request (and connect) timeout
   * @param maxRetries retries after the first attempt
   * @param backoffBaseMs the first retry's delay
   * @param retryMalformed whether a 200 whose body the parser rejects is retried
   */
  public record Policy(long timeoutMs, int maxRetries, long backoffBaseMs, boolean retryMalformed)
      implements Serializable {}

  /** Thrown by a reply parser: the 200 body is not the expected reply (not JSON, cut short, wrong shape). */
  public static final class MalformedReply extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedReply(String why) {
      super(why);
    }
  }

  /** How a call ended. */
  public sealed interface Outcome<T> {
    /** A 200 whose body parsed. */
    record Ok<T>(T value, int attempts) implements Outcome<T> {}

    /** A final refusal: a 4xx other than 429 (or a malformed 200 that is not retried). */
    record Refused<T>(int status, String body, int attempts) implements Outcome<T> {}

    /** Retries exhausted (or interrupted); {@code reason} says what the last attempt met. */
    record Failed<T>(String reason, int attempts) implements Outcome<T> {}
  }

  private final Policy policy;
  private final HttpClient client;

  public RetryingHttp(Policy policy) {
    this.policy = policy;
    this.client = HttpClient.newBuilder()
        .connectTimeout(Duration.ofMillis(policy.timeoutMs()))
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  public Policy policy() {
    return policy;
  }

  /** Sends {@code request} (its timeout set by the caller or here) and parses a 200 body with {@code parse}. */
  public <T> Outcome<T> send(HttpRequest request, Function<String, T> parse) {
    String last = "no attempt";
    for (int attempt = 0; ; attempt++) {
      long retryAfterMs = -1;
      try {
        HttpResponse<String> resp = receive(request);
        int status = resp.statusCode();
        if (status == 200) {
          try {
            return new Outcome.Ok<>(parse.apply(resp.body()), attempt + 1);
          } catch (MalformedReply e) {
            if (!policy.retryMalformed()) {
              return new Outcome.Refused<>(status, "malformed reply: " + e.getMessage(), attempt + 1);
            }
            last = "a malformed 200 reply (" + e.getMessage() + ")";
          }
        } else if (status != 429 && status < 500) {
          return new Outcome.Refused<>(status, resp.body(), attempt + 1);
        } else {
          last = "HTTP " + status + (resp.body().isEmpty() ? "" : ": " + abbreviate(resp.body()));
          if (status == 429 || status == 503) {
            retryAfterMs = retryAfterMs(resp);
          }
        }
      } catch (IOException e) {
        last = (e instanceof java.net.http.HttpTimeoutException ? "a timeout"
            : "a connection failure") + " (" + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Outcome.Failed<>("interrupted", attempt + 1);
      }
      if (attempt >= policy.maxRetries()) {
        return new Outcome.Failed<>(last, attempt + 1);
      }
      if (!sleep(Math.max(backoffMs(attempt), retryAfterMs))) {
        return new Outcome.Failed<>("interrupted", attempt + 1);
      }
    }
  }

  /**
   * The whole reply within the timeout: {@link HttpRequest#timeout} only bounds the wait for the headers, so a body
   * that stalls half-way would otherwise hang the caller.
   */
  private HttpResponse<String> receive(HttpRequest request) throws IOException, InterruptedException {
    var future = client.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    long timeoutMs = request.timeout().map(Duration::toMillis).orElse(policy.timeoutMs());
    try {
      return future.get(timeoutMs + 1_000, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      future.cancel(true);
      throw new java.net.http.HttpTimeoutException("no complete reply within " + timeoutMs + " ms");
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    } catch (InterruptedException e) {
      future.cancel(true);
      throw e;
    }
  }

  /** The delay before retry {@code attempt + 1}: {@code base * 2^attempt}, capped at 64 s. */
  public long backoffMs(int attempt) {
    long d = policy.backoffBaseMs();
    for (int i = 0; i < attempt && d < MAX_BACKOFF_MS; i++) {
      d *= 2;
    }
    return Math.min(d, MAX_BACKOFF_MS);
  }

  /**
   * A small daemon pool per JVM and key with {@code threads} threads: the concurrency limit of the callers that
   * share the key (an endpoint).
   */
  public static ExecutorService pool(String key, int threads, String threadName) {
    return POOLS.computeIfAbsent(key + "#" + threads, k -> {
      AtomicInteger n = new AtomicInteger();
      return Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    });
  }

  private static String abbreviate(String s) {
    String one = s.replace('\n', ' ');
    return one.length() <= 200 ? one : one.substring(0, 200) + "...";
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
}
