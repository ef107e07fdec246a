/** Implementation details of {@code io.longctx.policy.train}: the optimizer-state file format and batch packing. */
package io.longctx.policy.train.internal;
