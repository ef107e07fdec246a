/**
 * Implementations behind the {@code io.longctx.rewards} contracts: the three rule verifiers, Python string and
 * number semantics needed for parity with the reference, the safe arithmetic evaluator, the OpenAI-compatible
 * judge client and the per-partition scoring function. Not an API: callers use the package root.
 */
package io.longctx.rewards.internal;
