/**
 * Rewards for long-context reasoning RL, as in QwenLong-L1: rule verifiers routed by {@code data_source}
 * ({@link io.longctx.rewards.SourceRouter}, {@link io.longctx.rewards.VerifierKind}), SQuAD metrics
 * ({@link io.longctx.rewards.QaMetrics}), the LLM judge contract ({@link io.longctx.rewards.Judge},
 * {@link io.longctx.rewards.JudgePrompt}, {@link io.longctx.rewards.Judges}), the hybrid reward with overlong
 * shaping over a rollouts DataFrame ({@link io.longctx.rewards.HybridReward}), and group-normalised advantages with
 * dynamic sampling as Spark aggregations ({@link io.longctx.rewards.GroupAdvantages},
 * {@link io.longctx.rewards.DynamicSampling}). Imports only {@code io.longctx.common} from the project.
 */
package io.longctx.rewards;
