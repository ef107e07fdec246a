/**
 * Hugging Face checkpoints' own chat templates: {@link io.longctx.policy.chat.CheckpointChatTemplate} renders the
 * Jinja {@code chat_template} of a model directory byte for byte as transformers' {@code apply_chat_template} does
 * (checked against goldens for Qwen2.5, Qwen3, DeepSeek-R1-Distill-Qwen, Llama 3 and others), and
 * {@link io.longctx.policy.chat.ChatTemplates} picks the format a {@code policy.chat-template} setting names.
 * Implementations (the Jinja2-to-Jinjava translation and Python semantics) are in {@code internal}.
 */
package io.longctx.policy.chat;
