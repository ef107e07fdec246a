package io.longctx.transforms.rollout;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A loopback HTTP proxy in front of a real server that injects faults into {@code /v1/completions} replies: each
 * queued fault is used by one request (then requests pass through), or one fault is repeated for every request.
 */
public final class FaultProxy implements AutoCloseable {
  /** What a request meets instead of the server's reply. */
  public enum Fault { TOO_MANY_REQUESTS, UNAVAILABLE, SLOW, MALFORMED_JSON, TRUNCATED, WRONG_SHAPE, BAD_REQUEST }

  private final HttpServer http;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final Deque<Fault> queued = new ArrayDeque<>();
  private volatile Fault always;
  private volatile String target;
  private volatile Consumer<String> beforeForward = p -> {};
  private final AtomicInteger completions = new AtomicInteger();
  private final AtomicInteger faults = new AtomicInteger();
  private final long slowMs;

  /** @param slowMs how long a {@link Fault#SLOW} reply takes (longer than the client's timeout) */
  public FaultProxy(String target, long slowMs) throws IOException {
    this.target = target;
    this.slowMs = slowMs;
    this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    http.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fault-proxy");
      t.setDaemon(true);
      return t;
    }));
    http.createContext("/", this::handle);
    http.start();
  }

  public String url() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  public void retarget(String newTarget) {
    this.target = newTarget;
  }

  public synchronized void queue(Fault... fs) {
    queued.addAll(java.util.List.of(fs));
  }

  public void always(Fault f) {
    this.always = f;
  }

  /** Runs before each request is forwarded (with the request path), e.g. to kill the server at a chosen moment. */
  public void beforeForward(Consumer<String> hook) {
    this.beforeForward = hook;
  }

  public int completions() {
    return completions.get();
  }

  public int faults() {
    return faults.get();
  }

  private synchronized Fault next() {
    return always != null ? always : queued.poll();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      byte[] body = ex.getRequestBody().readAllBytes();
      if (path.endsWith("/completions")) {
        completions.incrementAndGet();
        Fault f = next();
        if (f != null) {
          faults.incrementAndGet();
          inject(ex, f);
          return;
        }
      }
      beforeForward.accept(path);
      HttpResponse<byte[]> r;
      try {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target + path)).timeout(Duration.ofMinutes(2));
        b = ex.getRequestMethod().equals("GET") ? b.GET()
            : b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException | InterruptedException e) {
        send(ex, 502, "{\"error\":{\"message\":\"proxy: upstream " + e.getClass().getSimpleName() + "\"}}");
        return;
      }
      ex.getResponseHeaders().set("Content-Type", r.headers().firstValue("Content-Type").orElse("application/json"));
      ex.sendResponseHeaders(r.statusCode(), r.body().length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(r.body());
      }
    }
  }

  private void inject(HttpExchange ex, Fault f) throws IOException {
    switch (f) {
      case TOO_MANY_REQUESTS -> {
        ex.getResponseHeaders().set("Retry-After", "0");
        send(ex, 429, "{\"error\":{\"message\":\"rate limited\"}}");
      }
      case UNAVAILABLE -> send(ex, 503, "{\"error\":{\"message\":\"busy\"}}");
      case SLOW -> {
        try {
          Thread.sleep(slowMs);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        send(ex, 503, "{}");
      }
      case MALFORMED_JSON -> send(ex, 200, "{\"choices\": [{\"index\": 0, \"text\": ");
      case WRONG_SHAPE -> send(ex, 200, "{\"choices\": []}");
      case BAD_REQUEST -> send(ex, 400, "{\"error\":{\"message\":\"injected bad request\"}}");
      case TRUNCATED -> {
        byte[] b = "{\"choices\": [{\"index\": 0, \"text\": \"abc\"}]}".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, b.length + 500);
        OutputStream out = ex.getResponseBody();
        out.write(b);
        out.flush();
        try {
          out.close(); // fewer bytes than promised: the connection is closed mid-body
        } catch (IOException expected) {
          // insufficient bytes written
        }
      }
    }
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
