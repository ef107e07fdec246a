package io.longctx.transforms.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.common.http.RetryingHttp;
import io.longctx.policy.generate.FinishReason;
import io.longctx.policy.generate.Generation;
import io.longctx.policy.generate.GenerationConfig;
import io.longctx.policy.generate.GroupRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Rollouts from an OpenAI-compatible server: one {@code POST /v1/completions} per group with the prompt's token
 * ids, {@code n}, {@code seed}, temperature, top-p, top-k, {@code max_tokens}, {@code stop_token_ids} and
 * {@code logprobs: 0}, asking for the sampled ids ({@code return_token_ids}, vLLM's {@code token_id:N} tokens as a
 * fallback). Requests run {@code concurrency} at a time per executor JVM, each with the judge client's timeout,
 * retries and backoff ({@link RetryingHttp}); a reply that is not a complete completion (wrong JSON, missing
 * choices or ids, cut short) is retried like a 5xx. A group that cannot be had fails the task: nothing is scored
 * from a partial reply.
 */
final class HttpRolloutEngine implements RolloutEngine {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<RetryingHttp.Policy, RetryingHttp> CLIENTS = new ConcurrentHashMap<>();

  private final RolloutServer server;
  private final RetryingHttp http;

  HttpRolloutEngine(RolloutServer server) {
    this.server = server;
    this.http = CLIENTS.computeIfAbsent(server.retry(), RetryingHttp::new);
  }

  @Override
  public List<List<Generation>> generate(List<String> sampleIds, List<GroupRequest> groups,
      GenerationConfig sampling) {
    var pool = RetryingHttp.pool(server.completionsUrl(), server.concurrency(), "longctx-rollout");
    List<CompletableFuture<List<Generation>>> futures = new ArrayList<>();
    for (int i = 0; i < groups.size(); i++) {
      String id = sampleIds.get(i);
      GroupRequest g = groups.get(i);
      futures.add(CompletableFuture.supplyAsync(() -> group(id, g, sampling), pool));
    }
    List<List<Generation>> out = new ArrayList<>(groups.size());
    try {
      for (CompletableFuture<List<Generation>> f : futures) {
        out.add(f.get());
      }
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for rollouts from " + server.completionsUrl(), e);
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(true));
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
    return out;
  }

  private List<Generation> group(String sampleId, GroupRequest g, GenerationConfig sampling) {
    RetryingHttp.Outcome<List<Generation>> o = http.send(request(g, sampling), body -> parse(body, g, sampling));
    if (o instanceof RetryingHttp.Outcome.Ok<List<Generation>> ok) {
      return ok.value();
    }
    if (o instanceof RetryingHttp.Outcome.Refused<List<Generation>> r) {
      throw RolloutErrors.refused(server.completionsUrl(), sampleId, r.status(), r.body());
    }
    RetryingHttp.Outcome.Failed<List<Generation>> f = (RetryingHttp.Outcome.Failed<List<Generation>>) o;
    throw RolloutErrors.requestFailed(server.completionsUrl(), sampleId, f.attempts(), f.reason());
  }

  HttpRequest request(GroupRequest g, GenerationConfig s) {
    ObjectNode b = JSON.createObjectNode();
    if (!server.model().isEmpty()) {
      b.put("model", server.model());
    }
    ArrayNode prompt = b.putArray("prompt");
    for (int id : g.promptIds()) {
      prompt.add(id);
    }
    b.put("n", g.samples());
    b.put("seed", g.seed());
    b.put("max_tokens", s.maxNewTokens());
    if (s.greedy()) {
      b.put("temperature", 0.0);
    } else {
      b.put("temperature", s.temperature());
      b.put("top_p", s.topP());
      if (s.topK() > 0) {
        b.put("top_k", s.topK());
      }
    }
    ArrayNode stops = b.putArray("stop_token_ids");
    for (int id : s.stopTokenIds()) {
      stops.add(id);
    }
    b.put("logprobs", 0);
    b.put("return_token_ids", true);
    b.put("return_tokens_as_token_ids", true);
    b.put("skip_special_tokens", false);
    b.put("stream", false);
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(server.completionsUrl()))
        .timeout(Duration.ofMillis(server.retry().timeoutMs()))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(b.toString(), StandardCharsets.UTF_8));
    String key = server.apiKeyEnv().isBlank() ? null : System.getenv(server.apiKeyEnv());
    if (key != null && !key.isEmpty()) {
      r.header("Authorization", "Bearer " + key);
    }
    return r.build();
  }

  /** The group's generations from a completion reply; anything incomplete is a {@link RetryingHttp.MalformedReply}. */
  List<Generation> parse(String body, GroupRequest g, GenerationConfig s) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new RetryingHttp.MalformedReply("not JSON (" + e.getClass().getSimpleName() + ")");
    }
    JsonNode choices = root == null ? null : root.get("choices");
    if (choices == null || !choices.isArray() || choices.size() != g.samples()) {
      throw new RetryingHttp.MalformedReply("expected " + g.samples() + " choices, got "
          + (choices == null || !choices.isArray() ? "none" : choices.size()));
    }
    Generation[] out = new Generation[g.samples()];
    for (JsonNode c : choices) {
      int index = c.path("index").asInt(-1);
      if (index < 0 || index >= out.length || out[index] != null) {
        throw new RetryingHttp.MalformedReply("bad or repeated choice index " + c.get("index"));
      }
      int[] ids = tokenIds(c);
      JsonNode lp = c.path("logprobs").path("token_logprobs");
      if (!lp.isArray() || lp.size() != ids.length) {
        throw new RetryingHttp.MalformedReply("choice " + index + " has " + ids.length + " tokens but "
            + (lp.isArray() ? lp.size() : "no") + " log-probs");
      }
      float[] logProbs = new float[ids.length];
      for (int t = 0; t < ids.length; t++) {
        if (!lp.get(t).isNumber()) {
          throw new RetryingHttp.MalformedReply("choice " + index + " log-prob " + t + " is " + lp.get(t));
        }
        logProbs[t] = lp.get(t).floatValue();
      }
      String reason = c.path("finish_reason").asText("");
      FinishReason finish = switch (reason) {
        case "stop" -> FinishReason.STOP;
        case "length" -> FinishReason.LENGTH;
        default -> throw new RetryingHttp.MalformedReply("choice " + index + " finished with '" + reason + "'");
      };
      if (ids.length == 0 || ids.length > s.maxNewTokens()) {
        throw new RetryingHttp.MalformedReply("choice " + index + " has " + ids.length + " tokens (max_tokens "
            + s.maxNewTokens() + ")");
      }
      out[index] = new Generation(g.promptIds(), ids, logProbs, finish);
    }
    return List.of(out);
  }

  /** {@code token_ids} (vLLM {@code return_token_ids}, this project's server), else {@code token_id:N} tokens. */
  private int[] tokenIds(JsonNode c) {
    JsonNode ids = c.get("token_ids");
    int[] out;
    if (ids != null && ids.isArray()) {
      out = new int[ids.size()];
      for (int i = 0; i < out.length; i++) {
        if (!ids.get(i).isIntegralNumber()) {
          throw new RetryingHttp.MalformedReply("token id " + i + " is " + ids.get(i));
        }
        out[i] = ids.get(i).asInt();
      }
    } else {
      JsonNode tokens = c.path("logprobs").path("tokens");
      if (!tokens.isArray()) {
        throw new RetryingHttp.MalformedReply("a choice has neither token_ids nor logprobs.tokens");
      }
      out = new int[tokens.size()];
      for (int i = 0; i < out.length; i++) {
        String t = tokens.get(i).asText("");
        if (!t.startsWith("token_id:")) {
          throw new RetryingHttp.MalformedReply("token " + i + " is '" + t + "', not token_id:N");
        }
        try {
          out[i] = Integer.parseInt(t.substring("token_id:".length()));
        } catch (NumberFormatException e) {
          throw new RetryingHttp.MalformedReply("token " + i + " is '" + t + "'");
        }
      }
    }
    for (int id : out) {
      if (id < 0) {
        throw new RetryingHttp.MalformedReply("negative token id " + id);
      }
    }
    return out;
  }
}
