package io.longctx.transforms.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.longctx.policy.PolicyConfig;
import io.longctx.policy.serve.PolicyServer;
import io.longctx.policy.serve.ServeFixtures;
import io.longctx.transforms.rollout.RolloutBackendConfig;
import io.longctx.transforms.rollout.RolloutServerSession;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eval.rollout.backend: http}: responses from {@code longctx serve} equal the built-in engine's. */
class ServerResponseGeneratorTest {
  @TempDir Path dir;

  @Test
  void serverResponsesEqualBuiltinResponses() throws Exception {
    Path checkpoint = ServeFixtures.model(dir.resolve("ckpt"), 21);
    PolicyConfig policy = PolicyConfig.defaults(); // byte tokenizer, as the fixture model
    List<String> prompts = List.of("<|user|>\nWhat is 7?\n<|assistant|>\n", "Tell me more about item 42.", "x");
    List<Long> seeds = List.of(1L, 2L, 3L);
    for (SamplingSettings s : List.of(new SamplingSettings(1, false, 0.8, 0.95, 10, 5L),
        new SamplingSettings(1, true, 0.7, 1.0, 6, 5L))) {
      List<ResponseGenerator.Generation> builtin;
      try (ResponseGenerator g = PolicyGenerators.forCheckpoint(checkpoint.toString(), policy, 0).load()) {
        builtin = g.generate(prompts, seeds, s);
      }
      try (PolicyServer server = PolicyServer.start(ServeFixtures.options(ServeFixtures.model(dir.resolve("other"
          + s.greedy()), 22)))) {
        RolloutBackendConfig cfg = new RolloutBackendConfig("http", server.url() + "/v1", "tiny", "", 60_000, 1, 10,
            2, "full");
        var loader = PolicyGenerators.forServer(new RolloutServerSession(cfg, "eval").prepare(checkpoint.toString()),
            policy);
        try (ResponseGenerator g = loader.load()) {
          assertThat(g.generate(prompts, seeds, s)).as("greedy " + s.greedy()).isEqualTo(builtin);
        }
      }
    }
  }
}
