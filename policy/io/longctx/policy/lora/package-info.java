/**
 * LoRA adapters for SFT and RL in PEFT's format: {@link io.longctx.policy.lora.LoraConfig} (the
 * {@code policy.lora} config section), {@link io.longctx.policy.lora.LoraAdapter} (low-rank weights beside a frozen
 * {@link io.longctx.policy.model.Qwen2Model}, attached through its projection hook) and
 * {@link io.longctx.policy.lora.AdapterCheckpoints} (adapter directories: {@code adapter_config.json} +
 * {@code adapter_model.safetensors} with PEFT's tensor names, loaded over their base model, merged for export).
 */
package io.longctx.policy.lora;
