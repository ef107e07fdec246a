package io.longctx.transforms.rollout;

import io.longctx.common.http.RetryingHttp;
import java.io.Serializable;

/**
 * The inference server one step's rollouts are requested from, as the executors need it: the completions URL, the
 * model name to send (the served model, or the step's LoRA adapter) and the client's limits.
 *
 * @param completionsUrl e.g. {@code http://10.0.0.5:8000/v1/completions}
 * @param model sent as {@code model}; empty sends none
 * @param apiKeyEnv environment variable of the API key (empty: none)
 * @param retry timeout, retries and backoff of each request
 * @param concurrency requests in flight per executor JVM
 */
public record RolloutServer(String completionsUrl, String model, String apiKeyEnv, RetryingHttp.Policy retry,
    int concurrency) implements Serializable {}
