/**
 * The Qwen2 causal language model: {@link io.longctx.policy.model.Qwen2Config} (Hugging Face config.json),
 * {@link io.longctx.policy.model.Qwen2Model} (forward pass in DJL ops, checkpoint load/save, seeded random init),
 * {@link io.longctx.policy.model.KvCache} and {@link io.longctx.policy.model.Devices}.
 */
package io.longctx.policy.model;
