/**
 * The curriculum of the recipe: phases with growing input-length caps ({@link io.longctx.curriculum.Curriculum}),
 * the per-step batch choice from the {@code samples} table ({@link io.longctx.curriculum.BatchSelector}), the
 * {@code hard_samples} difficulty ledger ({@link io.longctx.curriculum.HardSampleLedger}) and retrospective
 * sampling of hard samples into later phases ({@link io.longctx.curriculum.RetrospectiveSampler}). Everything is
 * deterministic from (seed, step) and records the Delta versions it read. Tables are given as path strings; this
 * package imports no other project area.
 */
package io.longctx.curriculum;
