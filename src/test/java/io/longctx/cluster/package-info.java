/**
 * The standalone-cluster test: a real Spark standalone master and two workers on loopback, started as child
 * JVMs from the test classpath (no Spark distribution needed), run the {@code curate} and {@code train}
 * command lines; their tables must equal those of the same commands run on {@code local[2]}.
 */
package io.longctx.cluster;
