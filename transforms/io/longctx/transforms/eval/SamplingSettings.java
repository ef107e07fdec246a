package io.longctx.transforms.eval;

import java.io.Serializable;

/**
 * How responses are sampled for evaluation: the paper's protocol is temperature 0.7, top-p 0.95; greedy mode
 * takes the arg-max token (and then one sample per item is enough).
 *
 * @param samplesPerItem k, the number of responses per item (pass@k, mean@k)
 * @param greedy arg-max decoding; temperature and top-p are then ignored
 * @param temperature softmax temperature (> 0)
 * @param topP nucleus mass in (0, 1]
 * @param maxNewTokens response length cap in tokens
 * @param seed base seed; each (benchmark, item, sample) derives its own seed from it
 */
public record SamplingSettings(
    int samplesPerItem, boolean greedy, double temperature, double topP, int maxNewTokens, long seed)
    implements Serializable {

  /** The engine's generation settings for these sampling settings and a tokenizer's stop and pad tokens. */
  public io.longctx.policy.generate.GenerationConfig generationConfig(io.longctx.policy.tokenizer.Tokenizer tokenizer) {
    return io.longctx.policy.generate.GenerationConfig.builder()
        .setMaxNewTokens(maxNewTokens)
        .optGreedy(greedy)
        .optTemperature(temperature)
        .optTopP(topP)
        .optStopTokenIds(tokenizer.stopTokenIds())
        .optPadTokenId(tokenizer.padTokenId())
        .build();
  }

  /** The seed for one response: a mix of the base seed, the item key and the sample index. */
  public long seedFor(String benchmark, String itemId, int sampleIndex) {
    long h = seed ^ 0x9E3779B97F4A7C15L;
    h = mix(h + benchmark.hashCode());
    h = mix(h + itemId.hashCode());
    return mix(h + sampleIndex);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
