/**
 * An OpenAI-compatible HTTP server over the built-in engine ({@code longctx serve}):
 * {@link io.longctx.policy.serve.PolicyServer} serves {@code /v1/completions} (text or token-id prompts, {@code n},
 * {@code seed}, {@code logprobs}, stop strings and stop token ids), {@code /v1/chat/completions} (the checkpoint's
 * chat template), {@code /v1/models}, {@code /health}, vLLM's runtime LoRA endpoints
 * ({@code /v1/load_lora_adapter}, {@code /v1/unload_lora_adapter}) and SGLang's {@code /update_weights_from_disk}.
 * Requests wait in a bounded queue (503 with {@code Retry-After} when it is full); compatible requests decode
 * together through {@link io.longctx.policy.generate.GroupScheduler} (rows of several requests share a batch, each
 * prompt prefilled once). A request's {@code seed} seeds its group exactly as the built-in rollouts seed a group, so
 * the same (prompt, n, seed, sampling) gives the same tokens whether sampled in-process or through the server.
 * {@link io.longctx.policy.serve.ServeOptions} is the configuration.
 */
package io.longctx.policy.serve;
