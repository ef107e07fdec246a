package io.longctx.rewards;

import io.longctx.rewards.internal.OpenAiJudge;
import java.util.function.Function;

/** Builds judge backends from config. */
public final class Judges {
  private Judges() {}

  /**
   * The OpenAI-compatible chat-completions judge (e.g. a vLLM server): temperature 0, per-request timeout,
   * bounded retries with exponential backoff on 429, 5xx, timeouts and connection failures, at most
   * {@code concurrency} requests in flight per executor JVM and endpoint. The API key is read from the
   * environment variable named by {@code api-key-env} when a request is first sent, on the executor; it is never
   * logged, serialized or put in an error message.
   */
  public static Judge openAi(RewardsConfig.JudgeConfig cfg) {
    return new OpenAiJudge(cfg, null);
  }

  /**
   * As {@link #openAi(RewardsConfig.JudgeConfig)}, reading the key through {@code env} (a serializable
   * lookup; tests pass a fixed map instead of the process environment).
   */
  public static Judge openAi(RewardsConfig.JudgeConfig cfg, SerializableEnv env) {
    return new OpenAiJudge(cfg, env);
  }

  /** A serializable environment lookup. */
  public interface SerializableEnv extends Function<String, String>, java.io.Serializable {}
}
