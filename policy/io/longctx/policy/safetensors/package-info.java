/**
 * Hugging Face safetensors IO: {@link io.longctx.policy.safetensors.SafetensorsReader} (single files and
 * sharded checkpoints, float32/bfloat16/float16 and integer tensors) and
 * {@link io.longctx.policy.safetensors.SafetensorsWriter}.
 */
package io.longctx.policy.safetensors;
