/**
 * Using the model: batched sampling with a KV cache ({@link io.longctx.policy.generate.Generator},
 * {@link io.longctx.policy.generate.GenerationConfig}) and gradient-capable scoring of given responses
 * ({@link io.longctx.policy.generate.Scorer}).
 */
package io.longctx.policy.generate;
