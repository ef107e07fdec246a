package io.longctx.rewards;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible judge against a real HTTP server on loopback. */
class HttpJudgeTest {
  private static final String KEY = "sk-test-9f8e7d6c";
  private LoopbackJudgeServer server;

  @BeforeEach
  void start() throws Exception {
    server = new LoopbackJudgeServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static RewardsConfig.JudgeConfig cfg(String endpoint, long timeoutMs, int retries, long backoffMs, int conc) {
    return new RewardsConfig.JudgeConfig(true, endpoint, "judge-model", "TEST_JUDGE_KEY", timeoutMs, retries,
        backoffMs, conc, 256);
  }

  private static Judge judge(RewardsConfig.JudgeConfig c) {
    return Judges.openAi(c, name -> Map.of("TEST_JUDGE_KEY", KEY).get(name));
  }

  private static Judge.Request req(String pred, String gold) {
    return new Judge.Request("Which city?", pred, gold);
  }

  @Test
  void sendsTheReferencePromptAtTemperatureZeroWithTheBearerKey() {
    Judge j = judge(cfg(server.endpoint("ok"), 5_000, 0, 1, 2));
    assertThat(j.judge(req("Paris", "paris")).verdict()).isEqualTo(JudgeVerdict.YES);
    assertThat(j.judge(req("Lyon", "Paris")).verdict()).isEqualTo(JudgeVerdict.NO);
    var body = server.bodies.get(0);
    assertThat(body.get("model").asText()).isEqualTo("judge-model");
    assertThat(body.get("temperature").asDouble()).isEqualTo(0.0);
    assertThat(body.get("max_tokens").asInt()).isEqualTo(256);
    assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
    assertThat(body.at("/messages/0/content").asText()).isEqualTo(JudgePrompt.SYSTEM);
    assertThat(body.at("/messages/1/content").asText())
        .isEqualTo("\nProblem: Which city?\nAnswer 1: Paris\nAnswer 2: paris\n");
    assertThat(server.authHeaders).containsOnly("Bearer " + KEY);
    assertThat(j.toString()).doesNotContain(KEY);
    assertThat(cfg(server.endpoint("ok"), 1, 0, 1, 1).toString()).doesNotContain(KEY);
  }

  @Test
  void noKeyMeansNoAuthorizationHeader() {
    Judge j = Judges.openAi(cfg(server.endpoint("ok"), 5_000, 0, 1, 1), name -> null);
    assertThat(j.judge(req("a", "a")).verdict()).isEqualTo(JudgeVerdict.YES);
    assertThat(server.authHeaders).containsExactly("<none>");
  }

  @Test
  void retries429WithExponentialBackoffThenSucceeds() {
    server.failures = 3;
    Judge j = judge(cfg(server.endpoint("flaky429"), 5_000, 5, 40, 1));
    long t0 = System.nanoTime();
    assertThat(j.judge(req("Paris", "Paris")).verdict()).isEqualTo(JudgeVerdict.YES);
    long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(server.requests.get()).isEqualTo(4);
    assertThat(elapsedMs).isGreaterThanOrEqualTo(40 + 80 + 160);
    List<Long> t = server.arrivalNanos;
    long gap1 = (t.get(1) - t.get(0)) / 1_000_000;
    long gap3 = (t.get(3) - t.get(2)) / 1_000_000;
    assertThat(gap1).isGreaterThanOrEqualTo(40);
    assertThat(gap3).isGreaterThanOrEqualTo(160);
  }

  @Test
  void retries500ThenSucceeds() {
    server.failures = 2;
    Judge j = judge(cfg(server.endpoint("flaky500"), 5_000, 3, 5, 1));
    assertThat(j.judge(req("Rome", "Paris")).verdict()).isEqualTo(JudgeVerdict.NO);
    assertThat(server.requests.get()).isEqualTo(3);
  }

  @Test
  void givesUpAfterMaxRetriesOnPersistent5xx() {
    Judge j = judge(cfg(server.endpoint("down"), 5_000, 2, 5, 1));
    Judge.Result r = j.judge(req("Paris", "Paris"));
    assertThat(r.verdict()).isEqualTo(JudgeVerdict.ERROR);
    assertThat(r.score()).isEqualTo(0.0);
    assertThat(server.requests.get()).isEqualTo(3);
  }

  @Test
  void slowServerTimesOutAndIsRetriedThenCountedAsError() {
    server.slowMs = 1_500;
    Judge j = judge(cfg(server.endpoint("slow"), 200, 1, 10, 1));
    long t0 = System.nanoTime();
    Judge.Result r = j.judge(req("Paris", "Paris"));
    long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.verdict()).isEqualTo(JudgeVerdict.ERROR);
    assertThat(elapsedMs).isBetween(400L, 1_400L);
    assertThat(server.requests.get()).isEqualTo(2);
  }

  @Test
  void malformedBodyAndNon429ClientErrorsAreNotRetried() {
    Judge bad = judge(cfg(server.endpoint("malformed"), 5_000, 3, 5, 1));
    assertThat(bad.judge(req("x", "x")).verdict()).isEqualTo(JudgeVerdict.ERROR);
    Judge rejected = judge(cfg(server.endpoint("badrequest"), 5_000, 3, 5, 1));
    assertThat(rejected.judge(req("x", "x")).verdict()).isEqualTo(JudgeVerdict.ERROR);
    assertThat(server.requests.get()).isEqualTo(2);
  }

  @Test
  void aReplyWithoutAStrictVerdictIsUnparseable() {
    Judge j = judge(cfg(server.endpoint("rambling"), 5_000, 0, 5, 1));
    Judge.Result r = j.judge(req("x", "x"));
    assertThat(r.verdict()).isEqualTo(JudgeVerdict.UNPARSEABLE);
    assertThat(r.score()).isEqualTo(0.0);
    assertThat(r.reply()).contains("YES probably");
  }

  @Test
  void connectionRefusedIsAnErrorNotAnException() {
    int port = server.server.getAddress().getPort();
    server.close();
    Judge j = judge(cfg("http://127.0.0.1:" + port + "/v1", 500, 1, 5, 1));
    assertThat(j.judge(req("x", "x")).verdict()).isEqualTo(JudgeVerdict.ERROR);
  }

  @Test
  void concurrencyIsBoundedAndResultsKeepRequestOrder() {
    server.handleMs = 60;
    Judge j = judge(cfg(server.endpoint("ok"), 5_000, 0, 5, 3));
    List<Judge.Request> reqs = new ArrayList<>();
    for (int i = 0; i < 18; i++) {
      reqs.add(req("a" + i, i % 2 == 0 ? "A" + i : "b" + i));
    }
    List<Judge.Result> out = j.judgeAll(reqs);
    for (int i = 0; i < 18; i++) {
      assertThat(out.get(i).verdict()).isEqualTo(i % 2 == 0 ? JudgeVerdict.YES : JudgeVerdict.NO);
    }
    assertThat(server.maxInFlight.get()).isBetween(2, 3);
  }
}
