/**
 * Implementation details of the curriculum area: partition-independent hash keys and Delta version plumbing.
 * Not a public contract.
 */
package io.longctx.curriculum.internal;
