/**
 * The synthetic long-document QA generator behind {@code longctx synth}: four tasks mirroring the QwenLong-L1
 * training mix (DocMath-like numeric reasoning, multi-hop chains, single-fact retrieval, multiple choice),
 * documents across all length buckets, distractors of configurable similarity, and a short verified
 * reasoning trace per record for warm-up SFT.
 *
 * <p>Public contract: {@link io.longctx.transforms.synth.SynthGenerator} (records from a config),
 * {@link io.longctx.transforms.synth.SynthWriter} (JSONL files plus a summary),
 * {@link io.longctx.transforms.synth.SynthRecord}, {@link io.longctx.transforms.synth.SynthTask},
 * {@link io.longctx.transforms.synth.SynthConfig}. Everything else is package-private. Output depends only on
 * the config: each record draws from its own generator seeded from (seed, split, index).
 */
package io.longctx.transforms.synth;
