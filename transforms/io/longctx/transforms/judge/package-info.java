/**
 * Judge backends that need the policy engine: the in-process judge model ({@link
 * io.longctx.transforms.judge.LocalModelJudge}) and {@link io.longctx.transforms.judge.JudgeBackends}, which builds
 * the configured backend (this one or the rewards area's HTTP judge).
 */
package io.longctx.transforms.judge;
