package io.longctx.policy.serve;

import ai.djl.Device;
import io.longctx.policy.PolicyConfig;
import io.longctx.policy.model.Qwen2Config;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.tokenizer.ByteTokenizer;
import io.longctx.policy.tokenizer.ChatTemplate;
import io.longctx.policy.tokenizer.TokenizerSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** A tiny byte-tokenizer model directory and a loopback client for server tests. */
public final class ServeFixtures {
  private ServeFixtures() {}

  public static final PolicyConfig.EmbeddedModel TINY = new PolicyConfig.EmbeddedModel(32, 1, 2, 1, 64, 10000.0);

  /** Writes a random tiny model (byte vocabulary) to {@code dir}. */
  public static Path model(Path dir, long seed) {
    try (Qwen2Model m = Qwen2Model.random(Qwen2Config.embedded(TINY, new ByteTokenizer().vocabSize()), seed,
        Device.cpu())) {
      m.save(dir);
    }
    return dir;
  }

  public static ServeOptions options(Path model) {
    return ServeOptions.defaults(model, new TokenizerSpec(TokenizerSpec.BYTE), ChatTemplate.PLAIN)
        .withServedModelName("tiny");
  }

  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();

  public static HttpResponse<String> post(String url, String body) throws IOException, InterruptedException {
    return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
