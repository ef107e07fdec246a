package io.longctx.rewards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP server on 127.0.0.1 that speaks the chat-completions protocol. Each path prefix picks a behaviour:
 * {@code /ok} judges (YES when Answer 1 and Answer 2 are equal ignoring case), {@code /flaky429} answers 429 the
 * first {@code failures} times per question, {@code /flaky500} likewise with 500, {@code /down} always 500,
 * {@code /slow} sleeps {@code slowMs} before answering, {@code /malformed} answers 200 with a non-JSON body,
 * {@code /rambling} answers without a verdict, {@code /yes} always says [[YES]], {@code /badrequest} answers 400.
 */
final class LoopbackJudgeServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ANSWERS = Pattern.compile("Answer 1: (.*)\\nAnswer 2: (.*)\\n");

  final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(32);
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();
  final List<String> authHeaders = new CopyOnWriteArrayList<>();
  final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
  final List<Long> arrivalNanos = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> attemptsByQuestion = new ConcurrentHashMap<>();
  volatile int failures = 2;
  volatile long slowMs = 2_000;
  volatile long handleMs = 0;

  LoopbackJudgeServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(pool);
    server.start();
  }

  String endpoint(String behaviour) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + behaviour + "/v1";
  }

  private void handle(HttpExchange ex) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      requests.incrementAndGet();
      arrivalNanos.add(System.nanoTime());
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      authHeaders.add(auth == null ? "<none>" : auth);
      JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
      bodies.add(body);
      String user = body.path("messages").path(1).path("content").asText();
      String behaviour = ex.getRequestURI().getPath().split("/")[1];
      int attempt = attemptsByQuestion.computeIfAbsent(behaviour + user, k -> new AtomicInteger()).incrementAndGet();
      if (handleMs > 0) {
        sleep(handleMs);
      }
      switch (behaviour) {
        case "flaky429" -> {
          if (attempt <= failures) {
            ex.getResponseHeaders().add("Retry-After", "0");
            send(ex, 429, "{\"error\":\"rate limited\"}");
            return;
          }
        }
        case "flaky500" -> {
          if (attempt <= failures) {
            send(ex, 500, "{\"error\":\"boom\"}");
            return;
          }
        }
        case "down" -> {
          send(ex, 503, "unavailable");
          return;
        }
        case "slow" -> sleep(slowMs);
        case "malformed" -> {
          send(ex, 200, "{\"choices\": [ this is not json");
          return;
        }
        case "rambling" -> {
          send(ex, 200, completion("They look the same to me, YES probably."));
          return;
        }
        case "yes" -> {
          send(ex, 200, completion("Both name the same place.\n[[YES]]"));
          return;
        }
        case "badrequest" -> {
          send(ex, 400, "{\"error\":\"bad model\"}");
          return;
        }
        default -> { }
      }
      Matcher m = ANSWERS.matcher(user);
      boolean same = m.find() && m.group(1).trim().equalsIgnoreCase(m.group(2).trim());
      send(ex, 200, completion("Explanation: compared the two answers. YES/NO considered.\n"
          + (same ? "[[YES]]" : "[[NO]]")));
    } catch (IOException e) {
      // client went away (timeout); nothing to answer
    } finally {
      inFlight.decrementAndGet();
      ex.close();
    }
  }

  private static String completion(String content) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", "cmpl-1");
    root.putArray("choices").addObject().put("index", 0).putObject("message").put("role", "assistant")
        .put("content", content);
    return root.toString();
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
