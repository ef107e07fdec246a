package io.longctx.policy.serve;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longctx.policy.generate.Generation;
import io.longctx.policy.generate.GenerationConfig;
import io.longctx.policy.generate.GroupRequest;
import io.longctx.policy.generate.GroupScheduler;
import io.longctx.policy.lora.AdapterCheckpoints;
import io.longctx.policy.lora.LoraAdapter;
import io.longctx.policy.lora.TestAdapters;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.tokenizer.ByteTokenizer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code longctx serve}'s server on loopback over a tiny model: a request's (prompt ids, n, seed) give exactly the
 * groups the in-process scheduler samples, concurrent requests decode in one batch, bad requests get a 4xx OpenAI
 * error and leave the server serving, and the LoRA and weight-update endpoints swap what is served.
 */
class PolicyServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  private static Path base;
  private static PolicyServer server;
  private static String url;

  @BeforeAll
  static void start() throws Exception {
    base = ServeFixtures.model(dir.resolve("base"), 11);
    server = PolicyServer.start(ServeFixtures.options(base).withLimits(64, 16, 200, 64, 1 << 16));
    url = server.url();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static int[] prompt(int seed, int length) {
    int[] p = new int[length];
    for (int i = 0; i < length; i++) {
      p[i] = 32 + (seed * 31 + i * 7) % 90;
    }
    return p;
  }

  private static String completion(String model, int[] prompt, int n, long seed, int maxTokens) {
    StringBuilder ids = new StringBuilder();
    for (int i = 0; i < prompt.length; i++) {
      ids.append(i == 0 ? "" : ",").append(prompt[i]);
    }
    return "{\"model\":\"" + model + "\",\"prompt\":[" + ids + "],\"n\":" + n + ",\"seed\":" + seed
        + ",\"max_tokens\":" + maxTokens + ",\"temperature\":0.7,\"top_p\":0.95,\"logprobs\":0,"
        + "\"return_token_ids\":true,\"stop_token_ids\":[10]}";
  }

  /** What the in-process scheduler samples for these groups with the server's settings. */
  private static List<List<Generation>> reference(Path modelDir, List<GroupRequest> groups, int maxTokens) {
    try (Qwen2Model m = AdapterCheckpoints.load(modelDir, Device.cpu())) {
      ByteTokenizer tok = new ByteTokenizer();
      java.util.TreeSet<Integer> stops = new java.util.TreeSet<>(List.of(10));
      for (int s : tok.stopTokenIds()) {
        stops.add(s);
      }
      GenerationConfig cfg = GenerationConfig.builder().setMaxNewTokens(maxTokens).optTemperature(0.7).optTopP(0.95)
          .optStopTokenIds(stops.stream().mapToInt(Integer::intValue).toArray()).optPadTokenId(tok.padTokenId())
          .build();
      return new GroupScheduler(m, 16).generate(groups, cfg);
    }
  }

  private static void assertSameGroup(JsonNode reply, List<Generation> expected) {
    JsonNode choices = reply.get("choices");
    assertThat(choices.size()).isEqualTo(expected.size());
    for (int s = 0; s < expected.size(); s++) {
      JsonNode c = choices.get(s);
      List<Integer> ids = new ArrayList<>();
      c.get("token_ids").forEach(x -> ids.add(x.asInt()));
      assertThat(ids).as("sample %d", s).containsExactlyElementsOf(
          java.util.Arrays.stream(expected.get(s).tokenIds()).boxed().toList());
      assertThat(c.get("finish_reason").asText()).isEqualTo(expected.get(s).finishReason().label());
      JsonNode lp = c.get("logprobs").get("token_logprobs");
      for (int t = 0; t < ids.size(); t++) {
        assertThat(lp.get(t).floatValue()).isCloseTo(expected.get(s).logProbs()[t],
            org.assertj.core.data.Offset.offset(1e-4f));
      }
    }
  }

  @Test
  void concurrentRequestsDecodeTogetherAndEqualTheInProcessScheduler() throws Exception {
    List<GroupRequest> groups = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      groups.add(new GroupRequest(prompt(i, 5 + 3 * i), 3, 1000L + i));
    }
    List<List<Generation>> expected = reference(base, groups, 12);
    long batchesBefore = health().get("batches").asLong();
    List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
    for (GroupRequest g : groups) {
      replies.add(CompletableFuture.supplyAsync(() -> {
        try {
          return ServeFixtures.post(url + "/v1/completions", completion("tiny", g.promptIds(), 3, g.seed(), 12));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    for (int i = 0; i < groups.size(); i++) {
      HttpResponse<String> r = replies.get(i).get();
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertSameGroup(JSON.readTree(r.body()), expected.get(i));
    }
    JsonNode h = health();
    assertThat(h.get("batches").asLong() - batchesBefore).as("four requests, fewer engine runs")
        .isLessThan(4);
    assertThat(h.get("largest_batch_requests").asInt()).isGreaterThan(1);
  }

  @Test
  void textPromptsChatModelsAndHealth() throws Exception {
    HttpResponse<String> r = ServeFixtures.post(url + "/v1/completions",
        "{\"model\":\"tiny\",\"prompt\":[\"Hello\",\"World\"],\"n\":2,\"max_tokens\":4,\"seed\":3}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode j = JSON.readTree(r.body());
    assertThat(j.get("choices")).hasSize(4);
    assertThat(j.get("object").asText()).isEqualTo("text_completion");
    assertThat(j.get("usage").get("prompt_tokens").asInt()).isEqualTo(10);
    HttpResponse<String> chat = ServeFixtures.post(url + "/v1/chat/completions",
        "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":3,"
            + "\"temperature\":0,\"logprobs\":true}");
    assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
    JsonNode c = JSON.readTree(chat.body()).get("choices").get(0);
    assertThat(c.get("message").get("role").asText()).isEqualTo("assistant");
    assertThat(c.get("message").get("content").isTextual()).isTrue();
    assertThat(c.get("logprobs").get("content").size()).isBetween(1, 3);
    JsonNode models = JSON.readTree(ServeFixtures.get(url + "/v1/models").body());
    assertThat(models.get("data").get(0).get("id").asText()).isEqualTo("tiny");
    assertThat(ServeFixtures.get(url + "/health").statusCode()).isEqualTo(200);
  }

  @Test
  void badRequestsGetAnOpenAiErrorAndTheServerKeepsServing() throws Exception {
    String ok = completion("tiny", prompt(1, 4), 1, 5, 3);
    String[][] bad = {
      {"{not json", "400", "not valid JSON"},
      {"[1, 2]", "400", "JSON object"},
      {ok.replace("\"model\":\"tiny\"", "\"model\":\"nope\""), "404", "does not exist"},
      {ok.replace("\"max_tokens\":3", "\"max_tokens\":-2"), "400", "at least 1"},
      {ok.replace("\"max_tokens\":3", "\"max_tokens\":100000"), "400", "limit"},
      {ok.replace("\"prompt\":[", "\"prompt\":[300,"), "400", "outside the vocabulary"},
      {ok.replace("\"prompt\":[", "\"prompt\":[-1,"), "400", "outside the vocabulary"},
      {ok.replace("\"prompt\":[", "\"prompt\":[" + "65,".repeat(250)), "400", "more than this server's limit"},
      {ok.replace("\"n\":1", "\"n\":17"), "400", "row budget"},
      {ok.replace("\"prompt\":[", "\"prompt\":[\"x\","), "400", "Each prompt must be"},
      {ok.replace("\"prompt\":[", "\"prompt\":[1.5,"), "400", "integer token ids"},
      {"{\"model\":\"tiny\"}", "400", "'prompt' is required"},
      {ok.replace("\"seed\":5", "\"seed\":\"five\""), "400", "64-bit integer"},
      {ok.replace("\"n\":1", "\"n\":1,\"stream\":true"), "400", "Streaming"},
      {ok.replace("\"stop_token_ids\":[10]", "\"stop_token_ids\":[999]"), "400", "outside the vocabulary"},
      {"{\"prompt\":\"" + "a".repeat(70_000) + "\"}", "413", "larger than"},
    };
    for (String[] b : bad) {
      HttpResponse<String> r = ServeFixtures.post(url + "/v1/completions", b[0]);
      assertThat(r.statusCode()).as(b[2] + ": " + r.body()).isEqualTo(Integer.parseInt(b[1]));
      JsonNode err = JSON.readTree(r.body()).get("error");
      assertThat(err.get("message").asText()).contains(b[2]);
      assertThat(err.get("code").asInt()).isEqualTo(Integer.parseInt(b[1]));
      assertThat(err.has("type")).isTrue();
    }
    HttpResponse<String> unload = ServeFixtures.post(url + "/v1/unload_lora_adapter", "{\"lora_name\":\"none\"}");
    assertThat(unload.statusCode()).isEqualTo(404);
    HttpResponse<String> load = ServeFixtures.post(url + "/v1/load_lora_adapter",
        "{\"lora_name\":\"x\",\"lora_path\":\"" + dir.resolve("missing") + "\"}");
    assertThat(load.statusCode()).isEqualTo(400);
    assertThat(load.body()).contains("cannot read the directory");
    assertThat(ServeFixtures.get(url + "/v1/completions").statusCode()).isEqualTo(405);
    assertThat(ServeFixtures.get(url + "/nope").statusCode()).isEqualTo(404);
    HttpResponse<String> after = ServeFixtures.post(url + "/v1/completions", ok);
    assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
  }

  @Test
  void loraAdaptersLoadServeAndUnload() throws Exception {
    Path adapterDir = dir.resolve("adapter");
    try (Qwen2Model m = Qwen2Model.load(base, Device.cpu());
        LoraAdapter a = TestAdapters.trained(TestAdapters.lora(4, 8, 0), m, 5, 0.5)) {
      a.save(adapterDir, base.toString());
    }
    GroupRequest g = new GroupRequest(prompt(7, 9), 2, 77);
    List<Generation> withAdapter = reference(adapterDir, List.of(g), 10).get(0);
    List<Generation> plain = reference(base, List.of(g), 10).get(0);
    assertThat(withAdapter.get(0).logProbs()).isNotEqualTo(plain.get(0).logProbs());

    HttpResponse<String> load = ServeFixtures.post(url + "/v1/load_lora_adapter",
        "{\"lora_name\":\"step-1\",\"lora_path\":\"" + adapterDir + "\"}");
    assertThat(load.statusCode()).as(load.body()).isEqualTo(200);
    assertThat(ServeFixtures.post(url + "/v1/load_lora_adapter",
        "{\"lora_name\":\"step-1\",\"lora_path\":\"" + adapterDir + "\"}").statusCode()).isEqualTo(400);
    assertThat(ServeFixtures.get(url + "/v1/models").body()).contains("\"step-1\"");
    HttpResponse<String> r = ServeFixtures.post(url + "/v1/completions", completion("step-1", g.promptIds(), 2, 77, 10));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertSameGroup(JSON.readTree(r.body()), withAdapter);
    HttpResponse<String> b = ServeFixtures.post(url + "/v1/completions", completion("tiny", g.promptIds(), 2, 77, 10));
    assertSameGroup(JSON.readTree(b.body()), plain);

    assertThat(ServeFixtures.post(url + "/v1/unload_lora_adapter", "{\"lora_name\":\"step-1\"}").statusCode())
        .isEqualTo(200);
    HttpResponse<String> gone = ServeFixtures.post(url + "/v1/completions",
        completion("step-1", g.promptIds(), 2, 77, 10));
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(gone.body()).contains("step-1");
  }

  @Test
  void fullWeightsUpdateFromDiskAndQueueAndApiKeyLimits() throws Exception {
    Path other = ServeFixtures.model(dir.resolve("other"), 12);
    GroupRequest g = new GroupRequest(prompt(3, 6), 2, 9);
    List<Generation> expected = reference(other, List.of(g), 8).get(0);
    try (PolicyServer s = PolicyServer.start(ServeFixtures.options(base).withLimits(1, 16, 200, 64, 1 << 16)
        .withDevice("cpu", 400).withApiKey("sekret"))) {
      String u = s.url();
      HttpResponse<String> noKey = ServeFixtures.post(u + "/v1/completions", completion("tiny", g.promptIds(), 2, 9, 8));
      assertThat(noKey.statusCode()).isEqualTo(401);
      assertThat(ServeFixtures.get(u + "/health").statusCode()).isEqualTo(200);
      java.net.http.HttpClient c = java.net.http.HttpClient.newHttpClient();
      java.util.function.Function<String, java.net.http.HttpRequest> req = body -> java.net.http.HttpRequest
          .newBuilder(java.net.URI.create(u + "/v1/completions")).header("Authorization", "Bearer sekret")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
      var fail = c.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(u + "/update_weights_from_disk"))
          .header("Authorization", "Bearer sekret").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
              "{\"model_path\":\"" + dir.resolve("absent") + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(fail.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(fail.body()).get("success").asBoolean()).isFalse();
      var update = c.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(u + "/update_weights_from_disk"))
          .header("Authorization", "Bearer sekret").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
              "{\"model_path\":\"" + other + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(update.statusCode()).as(update.body()).isEqualTo(200);
      assertThat(JSON.readTree(update.body()).get("success").asBoolean()).isTrue();

      // queue of one: the engine waits 400 ms for companions, so a second request meanwhile finds the queue full
      var first = c.sendAsync(req.apply(completion("tiny", g.promptIds(), 2, 9, 8)),
          HttpResponse.BodyHandlers.ofString());
      Thread.sleep(100);
      HttpResponse<String> busy = c.send(req.apply(completion("tiny", g.promptIds(), 2, 9, 8)),
          HttpResponse.BodyHandlers.ofString());
      assertThat(busy.statusCode()).isEqualTo(503);
      assertThat(busy.headers().firstValue("Retry-After")).contains("1");
      HttpResponse<String> r = first.get();
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertSameGroup(JSON.readTree(r.body()), expected);
    }
    assertThat(Files.exists(other)).isTrue();
  }

  private static JsonNode health() throws Exception {
    return JSON.readTree(ServeFixtures.get(url + "/health").body());
  }
}
