package io.longctx.rewards;

import io.longctx.common.Check;
import io.longctx.common.ConfigException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code rewards} config section.
 *
 * @param sourceVerifiers maps a {@code data_source} (exact name first, else a substring of it) to a verifier
 *     name ({@code docmath}, {@code multihop}, {@code choices}, {@code longbench-v2}, {@code mrcr}) for sources
 *     that the reference routing ({@code long_toc_choices}, {@code docmath}, {@code multihoprag}/{@code musique})
 *     does not cover
 * @param judge the LLM judge asked where the rule verifier fails
 * @param overlong DAPO overlong reward shaping
 * @param advantage group-normalised advantage options
 */
public record RewardsConfig(
    Map<String, String> sourceVerifiers, JudgeConfig judge, OverlongConfig overlong, AdvantageConfig advantage)
    implements Serializable {

  public static RewardsConfig defaults() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String s : new String[] {"frames", "hotpotqa", "2wikimqa", "narrativeqa", "qasper", "synth_multihop",
        "synth_retrieval", "synth_retrieval_distractors"}) {
      m.put(s, VerifierKind.MULTIHOP.configName());
    }
    m.put("longbench-v2", VerifierKind.LONGBENCH_V2.configName());
    m.put("mrcr", VerifierKind.MRCR.configName());
    return new RewardsConfig(m, JudgeConfig.defaults(), OverlongConfig.defaults(), AdvantageConfig.defaults());
  }

  /** Whether the LLM judge is asked where the rule verifier fails. */
  public boolean judgeEnabled() {
    return judge.enabled();
  }

  public void validate() {
    if (sourceVerifiers == null) {
      throw new ConfigException("rewards.source-verifiers", "must be a mapping of source -> verifier");
    }
    for (Map.Entry<String, String> e : sourceVerifiers.entrySet()) {
      String key = "rewards.source-verifiers." + e.getKey();
      Check.notBlank(key, e.getKey());
      Check.oneOf(key, e.getValue(), VerifierKind.configNames());
    }
    judge.validate();
    overlong.validate();
    advantage.validate();
  }

  /** Returns a copy with the judge settings replaced. */
  public RewardsConfig withJudge(JudgeConfig newJudge) {
    return new RewardsConfig(sourceVerifiers, newJudge, overlong, advantage);
  }

  /**
   * The {@code rewards.judge} section. Two backends answer the same prompt with the same strict parsing:
   * {@code http}, an OpenAI-compatible chat-completions endpoint (such as a vLLM server, what QwenLong-L1 uses);
   * and {@code local}, an in-process judge model run by the policy engine on each executor (its GPU when Spark
   * assigned one, else the CPU), greedy decoding.
   *
   * @param enabled ask the judge where the rule score is below 1
   * @param endpoint ({@code http}) base URL, e.g. {@code http://127.0.0.1:8000/v1}; {@code /chat/completions} is
   *     appended
   * @param model ({@code http}) the model name sent in each request; ({@code local}) the Hugging Face model
   *     directory (Qwen2 architecture: {@code config.json}, safetensors, and usually {@code tokenizer.json})
   * @param apiKeyEnv ({@code http}) name of the environment variable holding the API key (sent as a bearer token,
   *     never logged); unset or empty means no Authorization header
   * @param timeoutMs ({@code http}) per-request timeout (connect and response)
   * @param maxRetries ({@code http}) retries after the first attempt on 429, 5xx, timeouts and connection failures
   * @param backoffBaseMs ({@code http}) first retry delay; doubles with every retry
   * @param concurrency ({@code http}) most requests in flight at once per executor JVM and endpoint;
   *     ({@code local}) most requests decoded together in one batch
   * @param maxTokens most tokens of each judge reply ({@code max_tokens} of a completion)
   * @param backend {@code http} or {@code local}
   * @param tokenizer ({@code local}) a tokenizer spec as for {@code policy.tokenizer}; empty means the model
   *     directory's {@code tokenizer.json}
   * @param chatTemplate ({@code local}) {@code chatml} (Qwen instruct models), {@code r1} or {@code plain}
   * @param device ({@code local}) {@code auto} (the Spark-assigned GPU, else GPU 0 if any, else CPU), {@code cpu}
   *     or {@code gpu}
   */
  public record JudgeConfig(
      boolean enabled,
      String endpoint,
      String model,
      String apiKeyEnv,
      long timeoutMs,
      int maxRetries,
      long backoffBaseMs,
      int concurrency,
      int maxTokens,
      String backend,
      String tokenizer,
      String chatTemplate,
      String device)
      implements Serializable {

    public static final String HTTP = "http";
    public static final String LOCAL = "local";

    /** An {@code http} judge with the local-backend settings at their defaults. */
    public JudgeConfig(boolean enabled, String endpoint, String model, String apiKeyEnv, long timeoutMs,
        int maxRetries, long backoffBaseMs, int concurrency, int maxTokens) {
      this(enabled, endpoint, model, apiKeyEnv, timeoutMs, maxRetries, backoffBaseMs, concurrency, maxTokens, HTTP,
          "", "chatml", "auto");
    }

    public static JudgeConfig defaults() {
      return new JudgeConfig(
          false, "http://127.0.0.1:8000/v1", "Qwen2.5-1.5B-Instruct", "LONGCTX_JUDGE_API_KEY", 30_000, 5, 1_000, 8,
          1024);
    }

    /** Whether the in-process backend is configured. */
    public boolean runsLocally() {
      return LOCAL.equals(backend);
    }

    public void validate() {
      Check.oneOf("rewards.judge.backend", backend, java.util.List.of(HTTP, LOCAL));
      Check.oneOf("rewards.judge.chat-template", chatTemplate, java.util.List.of("chatml", "r1", "plain"));
      Check.oneOf("rewards.judge.device", device, java.util.List.of("auto", "cpu", "gpu"));
      if (tokenizer == null) {
        throw new ConfigException("rewards.judge.tokenizer", "must be a tokenizer spec or empty, not null");
      }
      if (enabled) {
        Check.notBlank("rewards.judge.model", model);
        if (!runsLocally()) {
          Check.notBlank("rewards.judge.endpoint", endpoint);
          if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
            throw new ConfigException(
                "rewards.judge.endpoint", "must start with http:// or https://, got '" + endpoint + "'");
          }
        }
      }
      Check.range("rewards.judge.timeout-ms", timeoutMs, 1, 3_600_000);
      Check.range("rewards.judge.max-retries", maxRetries, 0, 20);
      Check.range("rewards.judge.backoff-base-ms", backoffBaseMs, 0, 600_000);
      Check.range("rewards.judge.concurrency", concurrency, 1, 1024);
      Check.range("rewards.judge.max-tokens", maxTokens, 1, 1_000_000);
    }

    /** Returns a copy with {@code enabled} set. */
    public JudgeConfig withEnabled(boolean on) {
      return new JudgeConfig(on, endpoint, model, apiKeyEnv, timeoutMs, maxRetries, backoffBaseMs, concurrency,
          maxTokens, backend, tokenizer, chatTemplate, device);
    }

    /** Returns a copy pointing at another endpoint and model. */
    public JudgeConfig withEndpoint(String newEndpoint, String newModel) {
      return new JudgeConfig(enabled, newEndpoint, newModel, apiKeyEnv, timeoutMs, maxRetries, backoffBaseMs,
          concurrency, maxTokens, backend, tokenizer, chatTemplate, device);
    }

    /**
     * Returns a copy using the in-process backend: the model directory, the tokenizer spec (empty: the model's
     * {@code tokenizer.json}) and the chat template.
     */
    public JudgeConfig withLocalModel(String modelDir, String tokenizerSpec, String template) {
      return new JudgeConfig(enabled, endpoint, modelDir, apiKeyEnv, timeoutMs, maxRetries, backoffBaseMs,
          concurrency, maxTokens, LOCAL, tokenizerSpec, template, device);
    }
  }

  /**
   * The {@code rewards.overlong} section: DAPO overlong shaping. The penalty is 0 up to
   * {@code max-length - cache-length} response tokens, falls linearly to {@code -penalty-factor} at
   * {@code max-length}, and stays there beyond it.
   */
  public record OverlongConfig(boolean enabled, int maxLength, int cacheLength, double penaltyFactor)
      implements Serializable {

    public static OverlongConfig defaults() {
      return new OverlongConfig(true, 10_000, 1_000, 1.0);
    }

    public void validate() {
      Check.positive("rewards.overlong.max-length", maxLength);
      Check.range("rewards.overlong.cache-length", cacheLength, 1, maxLength);
      Check.nonNegative("rewards.overlong.penalty-factor", penaltyFactor);
    }
  }

  /**
   * The {@code rewards.advantage} section.
   *
   * @param scaleByStd divide by a standard deviation (GRPO); {@code false} gives Dr.GRPO's unscaled {@code r - mean}
   * @param epsilon added to the std before dividing
   * @param stdScope which rewards the std is taken over (the mean is always the group's): {@code group} (GRPO),
   *     {@code task} (QwenLong-L1.5: the batch's rewards of the same task, {@code data_source}) or {@code batch}
   *     (every reward of the batch)
   */
  public record AdvantageConfig(boolean scaleByStd, double epsilon, String stdScope) implements Serializable {
    public static final String GROUP = "group";
    public static final String TASK = "task";
    public static final String BATCH = "batch";
    public static final java.util.List<String> SCOPES = java.util.List.of(GROUP, TASK, BATCH);

    public static AdvantageConfig defaults() {
      return new AdvantageConfig(true, 1e-6, GROUP);
    }

    public void validate() {
      Check.range("rewards.advantage.epsilon", epsilon, 0, 1);
      Check.oneOf("rewards.advantage.std-scope", stdScope, SCOPES);
    }
  }
}
