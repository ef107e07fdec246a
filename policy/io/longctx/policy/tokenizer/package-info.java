/**
 * Text to token ids and back: the {@link io.longctx.policy.tokenizer.Tokenizer} contract, the embedded model's
 * {@link io.longctx.policy.tokenizer.ByteTokenizer}, Hugging Face {@code tokenizer.json} files
 * ({@link io.longctx.policy.tokenizer.HuggingFaceTokenizers}), the {@link io.longctx.policy.tokenizer.ChatFormat}
 * contract and the built-in chat formats of {@link io.longctx.policy.tokenizer.ChatTemplate} (a checkpoint's own
 * Jinja template is in {@code io.longctx.policy.chat}).
 */
package io.longctx.policy.tokenizer;
