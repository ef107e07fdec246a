package io.longctx.transforms.rollout;

import io.longctx.common.Check;
import io.longctx.common.ConfigException;
import java.io.Serializable;
import java.util.List;

/**
 * Where rollouts are sampled ({@code train.rollout}, {@code eval.rollout}): the built-in engine on the executors, or
 * an OpenAI-compatible inference server ({@code longctx serve}, vLLM, SGLang) called from the executors.
 *
 * @param backend {@code builtin} (the policy loaded on each executor) or {@code http} (the server at
 *     {@code endpoint})
 * @param endpoint the server's OpenAI API base, e.g. {@code http://10.0.0.5:8000/v1}; {@code /completions} is
 *     appended, and the weight endpoints ({@code /update_weights_from_disk}, {@code /health}) live at its root
 * @param model the served model name sent as {@code model} (empty: none sent, the server's default); with LoRA
 *     weights the loaded adapter's name replaces it
 * @param apiKeyEnv the environment variable holding the server's API key (read on the driver and executors; empty:
 *     no key)
 * @param timeoutMs per-request timeout (a whole group's generation)
 * @param maxRetries retries of a request after 429, 5xx, timeouts, connection failures and malformed replies
 * @param backoffBaseMs the first retry's delay; doubled per retry, capped at 64 s
 * @param concurrency requests in flight per executor JVM
 * @param weights how each step's checkpoint reaches the server: {@code auto} ({@code lora} for an adapter checkpoint,
 *     after pushing its base once per session with {@code full} where the server has that endpoint; else
 *     {@code full}), {@code lora} (vLLM's {@code POST /v1/load_lora_adapter}, then {@code model} = the adapter
 *     name), {@code full} (SGLang's {@code POST /update_weights_from_disk}) or {@code none} (the server keeps its
 *     weights: only for evaluation of a fixed model or tests). The checkpoint directory must be readable by the
 *     server (shared storage).
 */
public record RolloutBackendConfig(
    String backend,
    String endpoint,
    String model,
    String apiKeyEnv,
    long timeoutMs,
    int maxRetries,
    long backoffBaseMs,
    int concurrency,
    String weights)
    implements Serializable {

  public static final String BUILTIN = "builtin";
  public static final String HTTP = "http";
  public static final List<String> WEIGHTS = List.of("auto", "lora", "full", "none");

  public static RolloutBackendConfig defaults() {
    return new RolloutBackendConfig(BUILTIN, "http://127.0.0.1:8000/v1", "", "LONGCTX_ROLLOUT_API_KEY", 600_000, 3,
        1_000, 8, "auto");
  }

  public boolean http() {
    return HTTP.equals(backend);
  }

  public void validate(String prefix) {
    Check.oneOf(prefix + ".backend", backend, List.of(BUILTIN, HTTP));
    Check.oneOf(prefix + ".weights", weights, WEIGHTS);
    Check.positive(prefix + ".timeout-ms", timeoutMs);
    Check.nonNegative(prefix + ".max-retries", maxRetries);
    Check.positive(prefix + ".backoff-base-ms", backoffBaseMs);
    Check.positive(prefix + ".concurrency", concurrency);
    if (model == null || apiKeyEnv == null) {
      throw new ConfigException(prefix + ".model", "model and api-key-env must be strings (empty for none)");
    }
    if (http()) {
      Check.notBlank(prefix + ".endpoint", endpoint);
      if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
        throw new ConfigException(prefix + ".endpoint", "must be an http:// or https:// URL, got '" + endpoint + "'");
      }
    }
  }
}
