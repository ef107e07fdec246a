/**
 * The training side of the policy: the GRPO/DAPO clipped policy loss, the SFT loss, AdamW with its learning-rate
 * schedule and global-norm gradient clipping, and {@link io.longctx.policy.train.PolicyTrainer}, which turns a
 * batch of rollouts into one or more optimizer updates of a model's parameters. Everything here runs on DJL
 * NDArrays under PyTorch autograd and is deterministic for a fixed seed on CPU.
 */
package io.longctx.policy.train;
