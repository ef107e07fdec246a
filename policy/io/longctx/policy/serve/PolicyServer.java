package io.longctx.policy.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.longctx.policy.generate.Generation;
import io.longctx.policy.tokenizer.ChatTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenAI-compatible HTTP server over one checkpoint (see the package documentation for the endpoints). Bad
 * requests get a 4xx reply with an OpenAI error body ({@code {"error": {"message", "type", "param", "code"}}}) and
 * never stop the server. Start with {@link #start}, stop with {@link #close}.
 */
public final class PolicyServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_LOGPROBS = 20;

  private final ServeOptions options;
  private final ServeEngine engine;
  private final HttpServer http;
  private final ExecutorService handlers;
  private final AtomicLong ids = new AtomicLong();

  private PolicyServer(ServeOptions options) throws IOException {
    this.options = options;
    this.engine = new ServeEngine(options);
    try {
      this.http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 256);
    } catch (IOException e) {
      engine.close();
      throw new IOException("Cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
    }
    AtomicInteger n = new AtomicInteger();
    this.handlers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "longctx-serve-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(handlers);
    http.createContext("/", this::handle);
  }

  /** Loads the model and starts listening. */
  public static PolicyServer start(ServeOptions options) throws IOException {
    PolicyServer s = new PolicyServer(options);
    s.http.start();
    return s;
  }

  public int port() {
    return http.getAddress().getPort();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8000}; the OpenAI API is under {@code /v1}. */
  public String url() {
    String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
    return "http://" + host + ":" + port();
  }

  public ServeOptions options() {
    return options;
  }

  @Override
  public void close() {
    http.stop(0);
    engine.close();
    handlers.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      try {
        if (path.equals("/health")) {
          requireMethod(method, path, "GET");
          ObjectNode o = JSON.createObjectNode().put("status", "ok");
          for (Map.Entry<String, Object> e : engine.stats().entrySet()) {
            o.putPOJO(e.getKey(), e.getValue());
          }
          reply(ex, 200, o);
          return;
        }
        authorize(ex);
        switch (path) {
          case "/v1/models" -> {
            requireMethod(method, path, "GET");
            reply(ex, 200, models());
          }
          case "/v1/completions" -> {
            requireMethod(method, path, "POST");
            reply(ex, 200, completions(body(ex), false));
          }
          case "/v1/chat/completions" -> {
            requireMethod(method, path, "POST");
            reply(ex, 200, completions(body(ex), true));
          }
          case "/v1/load_lora_adapter" -> {
            requireMethod(method, path, "POST");
            ObjectNode b = body(ex);
            String name = text(b, "lora_name", true);
            engine.loadAdapter(name, text(b, "lora_path", true));
            replyText(ex, 200, "Success: LoRA adapter '" + name + "' added successfully.");
          }
          case "/v1/unload_lora_adapter" -> {
            requireMethod(method, path, "POST");
            String name = text(body(ex), "lora_name", true);
            engine.unloadAdapter(name);
            replyText(ex, 200, "Success: LoRA adapter '" + name + "' removed successfully.");
          }
          case "/update_weights_from_disk" -> {
            requireMethod(method, path, "POST");
            String modelPath = text(body(ex), "model_path", true);
            try {
              engine.updateWeights(modelPath);
            } catch (ApiError e) {
              reply(ex, e.status, JSON.createObjectNode().put("success", false).put("message", e.getMessage()));
              return;
            }
            reply(ex, 200, JSON.createObjectNode().put("success", true)
                .put("message", "Succeeded to update model weights.").put("num_paused_requests", 0));
          }
          default -> throw ApiError.notFound(null, "No endpoint " + path + ".");
        }
      } catch (ApiError e) {
        error(ex, e);
      } catch (RuntimeException e) {
        error(ex, ApiError.internal(e.getClass().getSimpleName() + ": " + e.getMessage()));
      }
    }
  }

  private static void requireMethod(String method, String path, String allowed) {
    if (!allowed.equals(method)) {
      throw ApiError.methodNotAllowed(method, path);
    }
  }

  private void authorize(HttpExchange ex) {
    if (options.apiKey().isEmpty()) {
      return;
    }
    String h = ex.getRequestHeaders().getFirst("Authorization");
    if (h == null || !java.security.MessageDigest.isEqual(
        ("Bearer " + options.apiKey()).getBytes(StandardCharsets.UTF_8), h.trim().getBytes(StandardCharsets.UTF_8))) {
      throw ApiError.unauthorized();
    }
  }

  private ObjectNode body(HttpExchange ex) throws IOException {
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > options.maxBodyBytes()) {
          drain(ex);
          throw ApiError.tooLarge(options.maxBodyBytes());
        }
      } catch (NumberFormatException e) {
        throw ApiError.badRequest(null, "Content-Length '" + length + "' is not a number.");
      }
    }
    byte[] bytes;
    try (InputStream in = ex.getRequestBody()) {
      bytes = in.readNBytes(options.maxBodyBytes() + 1);
    }
    if (bytes.length > options.maxBodyBytes()) {
      drain(ex);
      throw ApiError.tooLarge(options.maxBodyBytes());
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest(null, "The body is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw ApiError.badRequest(null, "The body must be a JSON object.");
    }
    return (ObjectNode) root;
  }

  /**
   * Reads and drops what is left of an oversize body (up to 64 MiB more), so that the client, still sending, reads
   * the 413 instead of a reset connection; beyond that the connection is closed.
   */
  private static void drain(HttpExchange ex) {
    try (InputStream in = ex.getRequestBody()) {
      byte[] buf = new byte[64 << 10];
      long total = 0;
      for (int n; total < (64L << 20) && (n = in.read(buf)) != -1; ) {
        total += n;
      }
    } catch (IOException | RuntimeException e) {
      // EOF before 64 MiB (the usual case) or a client that went away
    }
  }

  private ObjectNode models() {
    ObjectNode o = JSON.createObjectNode().put("object", "list");
    ArrayNode data = o.putArray("data");
    long created = System.currentTimeMillis() / 1000;
    data.addObject().put("id", options.servedModelName()).put("object", "model").put("created", created)
        .put("owned_by", "longctx").put("root", engine.modelPath()).put("max_model_len", engine.maxPositions());
    for (String name : engine.adapterNames()) {
      data.addObject().put("id", name).put("object", "model").put("created", created).put("owned_by", "longctx")
          .put("parent", options.servedModelName());
    }
    return o;
  }

  /** {@code /v1/completions} ({@code chat} false) or {@code /v1/chat/completions}: validate, queue, wait, reply. */
  private ObjectNode completions(ObjectNode b, boolean chat) {
    if (b.path("stream").asBoolean(false)) {
      throw ApiError.badRequest("stream", "Streaming is not supported by this server; send stream=false.");
    }
    if (b.path("echo").asBoolean(false)) {
      throw ApiError.badRequest("echo", "echo is not supported by this server.");
    }
    String modelName = b.hasNonNull("model") ? text(b, "model", true) : options.servedModelName();
    String adapter = null;
    if (!modelName.equals(options.servedModelName())) {
      if (!engine.hasAdapter(modelName)) {
        List<String> served = new ArrayList<>(List.of(options.servedModelName()));
        served.addAll(engine.adapterNames());
        throw ApiError.unknownModel(modelName, served);
      }
      adapter = modelName;
    }
    List<int[]> prompts = chat ? List.of(engine.encode(options.chatFormat().render(messages(b)))) : prompts(b);
    int maxTokens = integer(b, chat && b.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens",
        chat ? Math.min(options.maxNewTokens(), 1024) : 16);
    if (maxTokens < 1) {
      throw ApiError.badRequest("max_tokens", "max_tokens must be at least 1, got " + maxTokens + ".");
    }
    if (maxTokens > options.maxNewTokens()) {
      throw ApiError.badRequest("max_tokens", "max_tokens " + maxTokens + " exceeds this server's limit of "
          + options.maxNewTokens() + ".");
    }
    int vocab = engine.vocabSize();
    int positions = engine.maxPositions();
    for (int i = 0; i < prompts.size(); i++) {
      int[] p = prompts.get(i);
      if (p.length == 0) {
        throw ApiError.badRequest("prompt", "Prompt " + i + " is empty.");
      }
      if (p.length > options.maxPromptTokens()) {
        throw ApiError.badRequest("prompt", "Prompt " + i + " has " + p.length + " tokens, more than this server's"
            + " limit of " + options.maxPromptTokens() + ".");
      }
      if (p.length + maxTokens > positions) {
        throw ApiError.badRequest("max_tokens", "Prompt " + i + " (" + p.length + " tokens) plus max_tokens ("
            + maxTokens + ") exceeds the model's context of " + positions + " tokens.");
      }
      checkIds(p, vocab, "prompt", "Prompt " + i);
    }
    int n = integer(b, "n", 1);
    if (n < 1 || n > options.rowBudget()) {
      throw ApiError.badRequest("n", "n must be in [1, " + options.rowBudget() + "] (the server's row budget), got "
          + n + ".");
    }
    double temperature = number(b, "temperature", 1.0);
    double topP = number(b, "top_p", 1.0);
    int topK = integer(b, "top_k", 0);
    if (temperature < 0 || !(topP > 0 && topP <= 1) || topK < -1) {
      throw ApiError.badRequest("temperature", "Need temperature >= 0, top_p in (0, 1] and top_k >= -1; got "
          + temperature + ", " + topP + ", " + topK + ".");
    }
    List<Integer> stopIds = new ArrayList<>();
    if (b.hasNonNull("stop_token_ids")) {
      JsonNode s = b.get("stop_token_ids");
      if (!s.isArray()) {
        throw ApiError.badRequest("stop_token_ids", "stop_token_ids must be a list of token ids.");
      }
      int[] ids = intArray(s, "stop_token_ids");
      checkIds(ids, vocab, "stop_token_ids", "stop_token_ids");
      for (int id : ids) {
        stopIds.add(id);
      }
    }
    stopIds = stopIds.stream().distinct().sorted().toList();
    List<String> stops = stops(b);
    int logprobs = logprobs(b, chat);
    long seed = b.hasNonNull("seed") ? longValue(b, "seed") : java.util.concurrent.ThreadLocalRandom.current().nextLong();
    ServeEngine.Sampling sampling = new ServeEngine.Sampling(adapter, maxTokens, temperature, topP,
        Math.max(0, topK), stopIds, stops);
    List<List<Generation>> out = await(engine.submit(new ServeEngine.Job(sampling, prompts, n, seed)));
    int[] allStops = java.util.stream.IntStream.concat(stopIds.stream().mapToInt(Integer::intValue),
        java.util.Arrays.stream(engine.stopTokenIds())).toArray();
    return chat ? chatResponse(modelName, out, logprobs >= 0, allStops)
        : completionResponse(b, modelName, out, logprobs, allStops);
  }

  private static List<List<Generation>> await(java.util.concurrent.CompletableFuture<List<List<Generation>>> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiError.internal("Interrupted while waiting for the engine.");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ApiError a) {
        throw a;
      }
      Throwable c = e.getCause();
      throw ApiError.internal("Generation failed: " + (c == null ? e : c.getClass().getSimpleName() + ": "
          + c.getMessage()));
    }
  }

  private ObjectNode completionResponse(ObjectNode req, String modelName, List<List<Generation>> out, int logprobs,
      int[] stops) {
    boolean idTokens = req.path("return_tokens_as_token_ids").asBoolean(false);
    boolean tokenIds = req.path("return_token_ids").asBoolean(false);
    ObjectNode o = JSON.createObjectNode().put("id", "cmpl-" + ids.incrementAndGet())
        .put("object", "text_completion").put("created", System.currentTimeMillis() / 1000).put("model", modelName);
    ArrayNode choices = o.putArray("choices");
    long promptTokens = 0;
    long completionTokens = 0;
    int index = 0;
    for (List<Generation> group : out) {
      promptTokens += group.get(0).promptIds().length;
      for (Generation g : group) {
        completionTokens += g.tokenIds().length;
        ObjectNode c = choices.addObject().put("index", index++).put("text", text(g, stops));
        if (logprobs >= 0) {
          ObjectNode lp = c.putObject("logprobs");
          ArrayNode tokens = lp.putArray("tokens");
          ArrayNode values = lp.putArray("token_logprobs");
          ArrayNode tops = lp.putArray("top_logprobs");
          ArrayNode offsets = lp.putArray("text_offset");
          int offset = 0;
          for (int t = 0; t < g.tokenIds().length; t++) {
            String piece = idTokens ? "token_id:" + g.tokenIds()[t] : engine.decode(new int[] {g.tokenIds()[t]});
            tokens.add(piece);
            values.add(g.logProbs()[t]);
            if (logprobs > 0) {
              tops.addObject().put(piece, g.logProbs()[t]);
            } else {
              tops.addNull();
            }
            offsets.add(offset);
            offset += idTokens ? 0 : piece.length();
          }
        } else {
          c.putNull("logprobs");
        }
        c.put("finish_reason", g.finishReason().label());
        if (tokenIds) {
          ArrayNode a = c.putArray("token_ids");
          for (int id : g.tokenIds()) {
            a.add(id);
          }
          ArrayNode p = c.putArray("prompt_token_ids");
          for (int id : g.promptIds()) {
            p.add(id);
          }
        }
      }
    }
    o.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
        .put("total_tokens", promptTokens + completionTokens);
    return o;
  }

  private ObjectNode chatResponse(String modelName, List<List<Generation>> out, boolean logprobs, int[] stops) {
    ObjectNode o = JSON.createObjectNode().put("id", "chatcmpl-" + ids.incrementAndGet())
        .put("object", "chat.completion").put("created", System.currentTimeMillis() / 1000).put("model", modelName);
    ArrayNode choices = o.putArray("choices");
    List<Generation> group = out.get(0);
    long completionTokens = 0;
    for (int i = 0; i < group.size(); i++) {
      Generation g = group.get(i);
      completionTokens += g.tokenIds().length;
      ObjectNode c = choices.addObject().put("index", i);
      c.putObject("message").put("role", "assistant").put("content", text(g, stops));
      if (logprobs) {
        ArrayNode content = c.putObject("logprobs").putArray("content");
        for (int t = 0; t < g.tokenIds().length; t++) {
          content.addObject().put("token", engine.decode(new int[] {g.tokenIds()[t]})).put("logprob", g.logProbs()[t])
              .putArray("top_logprobs");
        }
      } else {
        c.putNull("logprobs");
      }
      c.put("finish_reason", g.finishReason().label());
    }
    long promptTokens = group.get(0).promptIds().length;
    o.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
        .put("total_tokens", promptTokens + completionTokens);
    return o;
  }

  /** The response text: the generated ids without the stop token that ended the turn. */
  private String text(Generation g, int[] stops) {
    return engine.decode(g.responseIds(stops));
  }

  private List<int[]> prompts(ObjectNode b) {
    JsonNode p = b.get("prompt");
    if (p == null || p.isNull()) {
      throw ApiError.badRequest("prompt", "'prompt' is required: text, a list of token ids, or a list of either.");
    }
    if (p.isTextual()) {
      return List.of(engine.encode(p.asText()));
    }
    if (!p.isArray() || p.isEmpty()) {
      throw ApiError.badRequest("prompt", "'prompt' must be text, a list of token ids, or a non-empty list of"
          + " either.");
    }
    if (p.get(0).isNumber()) {
      return List.of(intArray(p, "prompt"));
    }
    List<int[]> out = new ArrayList<>();
    for (JsonNode e : p) {
      if (e.isTextual()) {
        out.add(engine.encode(e.asText()));
      } else if (e.isArray()) {
        out.add(intArray(e, "prompt"));
      } else {
        throw ApiError.badRequest("prompt", "Each prompt must be text or a list of token ids.");
      }
    }
    return out;
  }

  private static List<ChatTemplate.Message> messages(ObjectNode b) {
    JsonNode ms = b.get("messages");
    if (ms == null || !ms.isArray() || ms.isEmpty()) {
      throw ApiError.badRequest("messages", "'messages' must be a non-empty list of {role, content}.");
    }
    List<ChatTemplate.Message> out = new ArrayList<>();
    for (JsonNode m : ms) {
      JsonNode role = m.get("role");
      JsonNode content = m.get("content");
      if (role == null || !role.isTextual() || content == null) {
        throw ApiError.badRequest("messages", "Each message needs a text 'role' and a 'content'.");
      }
      String text;
      if (content.isTextual()) {
        text = content.asText();
      } else if (content.isArray()) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
          if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
            throw ApiError.badRequest("messages", "Only text content parts are supported.");
          }
          sb.append(part.get("text").asText());
        }
        text = sb.toString();
      } else {
        throw ApiError.badRequest("messages", "A message's content must be text or a list of text parts.");
      }
      out.add(new ChatTemplate.Message(role.asText(), text));
    }
    return out;
  }

  private static List<String> stops(ObjectNode b) {
    JsonNode s = b.get("stop");
    if (s == null || s.isNull()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    if (s.isTextual()) {
      out.add(s.asText());
    } else if (s.isArray()) {
      for (JsonNode e : s) {
        if (!e.isTextual()) {
          throw ApiError.badRequest("stop", "'stop' must be a string or a list of strings.");
        }
        out.add(e.asText());
      }
    } else {
      throw ApiError.badRequest("stop", "'stop' must be a string or a list of strings.");
    }
    if (out.stream().anyMatch(String::isEmpty)) {
      throw ApiError.badRequest("stop", "Stop strings must not be empty.");
    }
    return List.copyOf(out);
  }

  /** -1 when not asked for; completions: an int in [0, 20]; chat: a boolean. */
  private static int logprobs(ObjectNode b, boolean chat) {
    JsonNode l = b.get("logprobs");
    if (l == null || l.isNull()) {
      return -1;
    }
    if (chat) {
      if (!l.isBoolean()) {
        throw ApiError.badRequest("logprobs", "For chat completions 'logprobs' is true or false.");
      }
      return l.asBoolean() ? 0 : -1;
    }
    if (!l.isIntegralNumber() || l.asInt() < 0 || l.asInt() > MAX_LOGPROBS) {
      throw ApiError.badRequest("logprobs", "'logprobs' must be an integer in [0, " + MAX_LOGPROBS + "].");
    }
    return l.asInt();
  }

  private static void checkIds(int[] ids, int vocab, String param, String what) {
    for (int id : ids) {
      if (id < 0 || id >= vocab) {
        throw ApiError.badRequest(param, what + " holds token id " + id + " outside the vocabulary [0, " + vocab
            + ").");
      }
    }
  }

  private static int[] intArray(JsonNode a, String param) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode e = a.get(i);
      if (!e.isIntegralNumber() || !e.canConvertToInt()) {
        throw ApiError.badRequest(param, "'" + param + "' must hold integer token ids; element " + i + " is " + e
            + ".");
      }
      out[i] = e.asInt();
    }
    return out;
  }

  private static String text(ObjectNode b, String key, boolean required) {
    JsonNode v = b.get(key);
    if (v == null || v.isNull()) {
      if (required) {
        throw ApiError.badRequest(key, "'" + key + "' is required.");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw ApiError.badRequest(key, "'" + key + "' must be a string.");
    }
    return v.asText();
  }

  private static int integer(ObjectNode b, String key, int fallback) {
    JsonNode v = b.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw ApiError.badRequest(key, "'" + key + "' must be an integer, got " + v + ".");
    }
    return v.asInt();
  }

  private static long longValue(ObjectNode b, String key) {
    JsonNode v = b.get(key);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw ApiError.badRequest(key, "'" + key + "' must be a 64-bit integer, got " + v + ".");
    }
    return v.asLong();
  }

  private static double number(ObjectNode b, String key, double fallback) {
    JsonNode v = b.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isNumber()) {
      throw ApiError.badRequest(key, "'" + key + "' must be a number, got " + v + ".");
    }
    return v.asDouble();
  }

  private static void error(HttpExchange ex, ApiError e) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    ObjectNode err = o.putObject("error").put("message", e.getMessage()).put("type", e.type);
    if (e.param == null) {
      err.putNull("param");
    } else {
      err.put("param", e.param);
    }
    err.put("code", e.status);
    if (e.status == 503) {
      ex.getResponseHeaders().set("Retry-After", "1");
    }
    reply(ex, e.status, o);
  }

  private static void reply(HttpExchange ex, int status, JsonNode body) throws IOException {
    send(ex, status, JSON.writeValueAsBytes(body), "application/json");
  }

  private static void replyText(HttpExchange ex, int status, String body) throws IOException {
    send(ex, status, body.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
  }

  private static void send(HttpExchange ex, int status, byte[] bytes, String type) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
