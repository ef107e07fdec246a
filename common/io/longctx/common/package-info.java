/**
 * The one leaf package every area may import: config validation ({@link io.longctx.common.Check},
 * {@link io.longctx.common.ConfigException}). It holds no pipeline logic and imports no other project package.
 */
package io.longctx.common;
