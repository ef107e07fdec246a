/**
 * The model side of the recipe: a Qwen2-architecture causal LM in DJL, Hugging Face checkpoint IO, tokenizers
 * and chat templates, generation with a KV cache, scoring, the DAPO/GRPO policy loss and AdamW.
 */
package io.longctx.policy;
