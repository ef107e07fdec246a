package io.longctx.transforms.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.longctx.common.http.RetryingHttp;
import io.longctx.policy.lora.LoraAdapter;
import io.longctx.policy.lora.TestAdapters;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.serve.PolicyServer;
import io.longctx.policy.serve.ServeFixtures;
import io.longctx.policy.tokenizer.ChatTemplate;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code http} rollout backend against {@code longctx serve} on loopback: the same rows as the built-in engine
 * with the same seeds; 429, 503, timeouts, malformed and truncated replies are retried (and the rows stay the same)
 * or, when they persist, fail the stage with a message naming the sample, never scored; LoRA and full weights reach
 * the server through the session.
 */
class HttpRolloutsTest extends SparkTestBase {
  @TempDir static Path dir;
  static Path checkpoint;
  static PolicyServer server;
  static FaultProxy proxy;

  @BeforeAll
  static void start() throws Exception {
    checkpoint = ServeFixtures.model(dir.resolve("ckpt"), 3);
    Path other = ServeFixtures.model(dir.resolve("start"), 4); // the server starts on other weights
    server = PolicyServer.start(ServeFixtures.options(other));
    proxy = new FaultProxy(server.url(), 2500);
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private Dataset<Row> prompts() {
    return spark().sql(
        "SELECT concat('s', id) AS sample_id, concat('What is ', id * 13, '?') AS prompt FROM range(5)");
  }

  private static RolloutSpec spec(RolloutServer s) {
    return new RolloutSpec(checkpoint.toString(), new TokenizerSpec("byte"), ChatTemplate.PLAIN, "cpu", 3, 10, 1.0,
        0.95, 0, 11L, 1, 1, 64, s);
  }

  /** A session on the proxy that hands the server {@code checkpoint}'s full weights. */
  private static RolloutServer viaProxy(int retries, long timeoutMs) {
    RolloutBackendConfig cfg = new RolloutBackendConfig("http", proxy.url() + "/v1", "tiny", "", timeoutMs, retries,
        10, 4, "full");
    return new RolloutServerSession(cfg, "r").prepare(checkpoint.toString());
  }

  private static List<String> rows(Dataset<Row> df) {
    return df.orderBy("sample_id", "response_index").collectAsList().stream()
        .map(r -> r.getAs("sample_id") + "/" + r.getAs("response_index") + " " + r.getList(r.fieldIndex("prompt_ids"))
            + " -> " + r.getList(r.fieldIndex("response_ids")) + " '" + r.getAs("response") + "' "
            + r.getAs("finish_reason") + " " + r.getAs("response_tokens"))
        .collect(Collectors.toList());
  }

  private static List<List<Float>> logprobs(Dataset<Row> df) {
    return df.orderBy("sample_id", "response_index").collectAsList().stream()
        .map(r -> r.<Float>getList(r.fieldIndex("logprobs"))).collect(Collectors.toList());
  }

  @Test
  void httpRolloutsEqualBuiltinRolloutsAndFaultsAreRetried() {
    Dataset<Row> builtin = Rollouts.generate(prompts(), spec(null), 2).cache();
    List<String> expected = rows(builtin);
    // six faults may meet one group in a row: enough retries, and a timeout that a loaded machine's real reply meets
    RolloutServer s = viaProxy(6, 2000);
    Dataset<Row> http = Rollouts.generate(prompts(), spec(s), 2).cache();
    assertThat(rows(http)).isEqualTo(expected);
    List<List<Float>> a = logprobs(builtin);
    List<List<Float>> b = logprobs(http);
    for (int i = 0; i < a.size(); i++) {
      for (int t = 0; t < a.get(i).size(); t++) {
        assertThat(b.get(i).get(t)).isCloseTo(a.get(i).get(t), org.assertj.core.data.Offset.offset(1e-4f));
      }
    }
    // one fault of each kind, each met by one request and retried: the same rows
    proxy.queue(FaultProxy.Fault.TOO_MANY_REQUESTS, FaultProxy.Fault.UNAVAILABLE, FaultProxy.Fault.SLOW,
        FaultProxy.Fault.MALFORMED_JSON, FaultProxy.Fault.TRUNCATED, FaultProxy.Fault.WRONG_SHAPE);
    int faults = proxy.faults();
    assertThat(rows(Rollouts.generate(prompts(), spec(s), 2))).isEqualTo(expected);
    assertThat(proxy.faults() - faults).isEqualTo(6);
  }

  @Test
  void persistentFaultsFailTheStageNamingTheSampleAndNothingIsScored() {
    RolloutServer s = viaProxy(2, 500);
    for (FaultProxy.Fault f : List.of(FaultProxy.Fault.MALFORMED_JSON, FaultProxy.Fault.TRUNCATED,
        FaultProxy.Fault.UNAVAILABLE, FaultProxy.Fault.SLOW)) {
      proxy.always(f);
      try {
        assertThatThrownBy(() -> Rollouts.generate(prompts(), spec(s), 1).collectAsList())
            .as(f.name())
            .hasStackTraceContaining("Rollouts for sample 's")
            .hasStackTraceContaining("failed after 3 attempt(s)");
      } finally {
        proxy.always(null);
      }
    }
    proxy.always(FaultProxy.Fault.BAD_REQUEST);
    try {
      assertThatThrownBy(() -> Rollouts.generate(prompts(), spec(s), 1).collectAsList())
          .hasStackTraceContaining("refused the rollouts of sample")
          .hasStackTraceContaining("injected bad request");
    } finally {
      proxy.always(null);
    }
  }

  @Test
  void sessionLoadsLoraAdaptersAndReportsUnreadableCheckpoints() throws Exception {
    Path[] adapters = new Path[2];
    try (Qwen2Model m = Qwen2Model.load(checkpoint, Device.cpu())) {
      for (int i = 0; i < 2; i++) {
        adapters[i] = dir.resolve("run-a").resolve("step-00000" + (i + 1));
        try (LoraAdapter a = TestAdapters.trained(TestAdapters.lora(4, 8, 0), m, 30 + i, 0.5)) {
          a.save(adapters[i], checkpoint.toAbsolutePath().toString());
        }
      }
    }
    RolloutBackendConfig cfg = new RolloutBackendConfig("http", server.url() + "/v1", "tiny", "", 60_000, 1, 10, 4,
        "auto");
    RolloutServerSession session = new RolloutServerSession(cfg, "a");
    session.prepare(checkpoint.toString()); // full weights: the adapters' base
    RolloutServer first = session.prepare(adapters[0].toString());
    assertThat(first.model()).isEqualTo("a-step-000001");
    Dataset<Row> viaServer = Rollouts.generate(prompts(), spec(first), 2);
    RolloutSpec local = new RolloutSpec(adapters[0].toString(), new TokenizerSpec("byte"), ChatTemplate.PLAIN, "cpu",
        3, 10, 1.0, 0.95, 0, 11L, 1, 1, 64);
    assertThat(rows(viaServer)).isEqualTo(rows(Rollouts.generate(prompts(), local, 2)));
    RolloutServer second = session.prepare(adapters[1].toString());
    assertThat(second.model()).isEqualTo("a-step-000002");
    String models = io.longctx.policy.serve.ServeFixtures.get(server.url() + "/v1/models").body();
    assertThat(models).contains("a-step-000002").doesNotContain("a-step-000001");

    // a directory the server cannot read, and a server that is not there
    Path notThere = dir.resolve("elsewhere");
    assertThatThrownBy(() -> session.prepare(notThere.toString()))
        .hasMessageContaining("not a readable directory on the driver");
    RolloutBackendConfig down = new RolloutBackendConfig("http", "http://127.0.0.1:9/v1", "tiny", "", 2_000, 1, 10, 4,
        "full");
    assertThatThrownBy(() -> new RolloutServerSession(down, "a").prepare(checkpoint.toString()))
        .hasMessageContaining("is not reachable");
    assertThat(RetryingHttp.class).isNotNull();
  }
}
