package io.longctx.transforms.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longctx.common.http.RetryingHttp;
import io.longctx.policy.lora.AdapterCheckpoints;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The driver's side of the {@code http} rollout backend: before each step it checks that the server answers
 * ({@code GET /health}) and hands it the step's weights, then tells the executors what to request
 * ({@link #prepare}). LoRA weights go through vLLM's {@code POST /v1/load_lora_adapter} (the adapter is named
 * {@code <run>-<checkpoint directory>}, requests then name it as {@code model}, and the previous step's adapter is
 * unloaded); full weights through SGLang's {@code POST /update_weights_from_disk}. With {@code auto}, a session's
 * first adapter is preceded by its base through {@code update_weights_from_disk} (skipped when the server has no such
 * endpoint), so a server restarted on other weights still samples the run's model. The server reads the checkpoint
 * from the path the trainer wrote, so both must share that storage; a server that cannot read it answers with an
 * error that is reported with that advice. One session per training invocation; not thread-safe.
 */
public final class RolloutServerSession {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RolloutBackendConfig cfg;
  private final String run;
  private final RetryingHttp http;
  private String loadedAdapter;
  private boolean basePushed;

  public RolloutServerSession(RolloutBackendConfig cfg, String run) {
    this.cfg = cfg;
    this.run = run;
    this.http = new RetryingHttp(new RetryingHttp.Policy(Math.min(cfg.timeoutMs(), 600_000), cfg.maxRetries(),
        cfg.backoffBaseMs(), true));
  }

  /** The endpoint's root (the OpenAI base without its trailing {@code /v1}). */
  String root() {
    String base = stripSlash(cfg.endpoint());
    return base.endsWith("/v1") ? base.substring(0, base.length() - 3) : base;
  }

  /** Checks the server and loads {@code checkpoint} as configured; returns what the executors request. */
  public RolloutServer prepare(String checkpoint) {
    health();
    String model = cfg.model();
    Path dir = Path.of(checkpoint);
    String mode = cfg.weights();
    if ("auto".equals(mode)) {
      mode = AdapterCheckpoints.isAdapter(dir) ? "lora" : "full";
    }
    if (!"none".equals(mode) && !Files.isDirectory(dir)) {
      throw RolloutErrors.notShared(checkpoint);
    }
    if ("lora".equals(mode) && AdapterCheckpoints.isAdapter(dir)) {
      if ("auto".equals(cfg.weights()) && !basePushed) {
        pushBase(AdapterCheckpoints.base(dir)); // e.g. a server restarted on other weights
      }
      model = loadAdapter(dir);
    } else if ("full".equals(mode)) {
      updateWeights(dir);
    }
    return new RolloutServer(stripSlash(cfg.endpoint()) + "/completions", model, cfg.apiKeyEnv(),
        new RetryingHttp.Policy(cfg.timeoutMs(), cfg.maxRetries(), cfg.backoffBaseMs(), true), cfg.concurrency());
  }

  private void health() {
    RetryingHttp.Outcome<String> o = http.send(request(root() + "/health", null, 30_000), b -> b);
    if (o instanceof RetryingHttp.Outcome.Failed<String> f) {
      throw RolloutErrors.unreachable(root(), f.reason());
    }
    if (o instanceof RetryingHttp.Outcome.Refused<String> r) {
      throw RolloutErrors.unreachable(root(), "GET /health answered HTTP " + r.status());
    }
  }

  /**
   * With {@code auto}, the first adapter of a session goes over the adapters' base, handed to the server through
   * {@code update_weights_from_disk}; a server without that endpoint (404, e.g. vLLM) must have been started on it.
   */
  private void pushBase(Path base) {
    String abs = base.toAbsolutePath().toString();
    String url = root() + "/update_weights_from_disk";
    RetryingHttp.Outcome<String> o = http.send(
        request(url, JSON.createObjectNode().put("model_path", abs).toString(), cfg.timeoutMs()), b -> b);
    if (!(o instanceof RetryingHttp.Outcome.Refused<String> r && (r.status() == 404 || r.status() == 405))) {
      check(o, url, abs);
    }
    basePushed = true;
    loadedAdapter = null; // a weight update drops the server's adapters
  }

  private String loadAdapter(Path dir) {
    String name = run + "-" + dir.getFileName();
    if (name.equals(loadedAdapter)) {
      return name;
    }
    String abs = dir.toAbsolutePath().toString();
    String body = JSON.createObjectNode().put("lora_name", name).put("lora_path", abs).toString();
    String url = stripSlash(cfg.endpoint()) + "/load_lora_adapter";
    RetryingHttp.Outcome<String> o = http.send(request(url, body, cfg.timeoutMs()), b -> b);
    if (o instanceof RetryingHttp.Outcome.Refused<String> r && r.body().contains("already")) {
      // left by an earlier invocation that died mid-step: reload it from the same directory
      unload(name);
      o = http.send(request(url, body, cfg.timeoutMs()), b -> b);
    }
    check(o, url, abs);
    if (loadedAdapter != null) {
      unload(loadedAdapter);
    }
    loadedAdapter = name;
    return name;
  }

  private void unload(String name) {
    String body = JSON.createObjectNode().put("lora_name", name).toString();
    http.send(request(stripSlash(cfg.endpoint()) + "/unload_lora_adapter", body, cfg.timeoutMs()), b -> b);
  }

  private void updateWeights(Path dir) {
    String abs = dir.toAbsolutePath().toString();
    String url = root() + "/update_weights_from_disk";
    RetryingHttp.Outcome<JsonNode> o = http.send(
        request(url, JSON.createObjectNode().put("model_path", abs).toString(), cfg.timeoutMs()),
        RolloutServerSession::json);
    check(o, url, abs);
    JsonNode reply = ((RetryingHttp.Outcome.Ok<JsonNode>) o).value();
    if (reply.has("success") && !reply.get("success").asBoolean()) {
      throw RolloutErrors.weightsRefused(url, abs, 200, reply.path("message").asText(reply.toString()));
    }
    basePushed = true;
    loadedAdapter = null;
  }

  private static JsonNode json(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      if (n == null || !n.isObject()) {
        throw new RetryingHttp.MalformedReply("not a JSON object");
      }
      return n;
    } catch (java.io.IOException e) {
      throw new RetryingHttp.MalformedReply("not JSON");
    }
  }

  private static void check(RetryingHttp.Outcome<?> o, String url, String checkpoint) {
    if (o instanceof RetryingHttp.Outcome.Refused<?> r) {
      throw RolloutErrors.weightsRefused(url, checkpoint, r.status(), r.body());
    }
    if (o instanceof RetryingHttp.Outcome.Failed<?> f) {
      throw RolloutErrors.unreachable(url, f.reason());
    }
  }

  private HttpRequest request(String url, String body, long timeoutMs) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(timeoutMs));
    if (body == null) {
      b.GET();
    } else {
      b.header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    String key = cfg.apiKeyEnv().isBlank() ? null : System.getenv(cfg.apiKeyEnv());
    if (key != null && !key.isEmpty()) {
      b.header("Authorization", "Bearer " + key);
    }
    return b.build();
  }

  private static String stripSlash(String s) {
    String out = s;
    while (out.endsWith("/")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }
}
