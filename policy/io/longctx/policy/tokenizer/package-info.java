/**
 * Text to token ids and back: the {@link io.longctx.policy.tokenizer.Tokenizer} contract, the embedded model's
 * {@link io.longctx.policy.tokenizer.ByteTokenizer}, Hugging Face {@code tokenizer.json} files
 * ({@link io.longctx.policy.tokenizer.HuggingFaceTokenizers}) and single-turn chat templates.
 */
package io.longctx.policy.tokenizer;
