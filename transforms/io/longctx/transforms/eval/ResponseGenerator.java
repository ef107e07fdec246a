package io.longctx.transforms.eval;

import java.util.List;

/**
 * Produces responses for rendered prompts. One instance holds one loaded model; it is created on an executor by
 * a {@link Loader} and reused by every task of that JVM (see {@link GenerateResponses}). Implementations need
 * not be thread-safe: calls on one instance are serialised.
 */
public interface ResponseGenerator extends AutoCloseable {

  /** One generated response. {@code finishReason} is {@code stop} or {@code length}. */
  record Generation(String text, int tokens, String finishReason) implements java.io.Serializable {
    /** The engine's generation as an eval response: the text up to the stop token, its length and finish reason. */
    static Generation of(io.longctx.policy.generate.Generation g, io.longctx.policy.tokenizer.Tokenizer tokenizer) {
      return new Generation(tokenizer.decode(g.responseIds(tokenizer.stopTokenIds())), g.tokenIds().length,
          g.finishReason().label());
    }
  }

  /**
   * Generates one response per request, in order. Request i uses {@code seeds.get(i)} so the result does not
   * depend on how requests are batched or partitioned.
   */
  List<Generation> generate(List<String> prompts, List<Long> seeds, SamplingSettings settings);

  @Override
  default void close() {}

  /**
   * A serializable recipe for a generator, shipped to executors. {@link #cacheKey()} (e.g. the checkpoint path
   * and device) decides when a cached model can be reused.
   */
  interface Loader extends java.io.Serializable {
    String cacheKey();

    ResponseGenerator load();
  }
}
