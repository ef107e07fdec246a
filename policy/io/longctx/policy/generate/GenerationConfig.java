package io.longctx.policy.generate;

import io.longctx.policy.PolicyErrors;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * How to sample: temperature, top-k, top-p (nucleus), seed, length and stop conditions. Built with
 * {@link #builder()}; {@code setMaxNewTokens} is required, everything else is optional. Temperature, top-k and
 * top-p are applied in that order (as Hugging Face's logits warpers); greedy decoding ignores all three.
 */
public final class GenerationConfig {
  private final int maxNewTokens;
  private final double temperature;
  private final double topP;
  private final int topK;
  private final long seed;
  private final boolean greedy;
  private final int[] stopTokenIds;
  private final List<String> stopStrings;
  private final Function<int[], String> decoder;
  private final int padTokenId;

  private GenerationConfig(Builder b) {
    this.maxNewTokens = b.maxNewTokens;
    this.temperature = b.temperature;
    this.topP = b.topP;
    this.topK = b.topK;
    this.seed = b.seed;
    this.greedy = b.greedy;
    this.stopTokenIds = b.stopTokenIds.clone();
    this.stopStrings = List.copyOf(b.stopStrings);
    this.decoder = b.decoder;
    this.padTokenId = b.padTokenId;
  }

  public static Builder builder() {
    return new Builder();
  }

  public int maxNewTokens() {
    return maxNewTokens;
  }

  public double temperature() {
    return temperature;
  }

  public double topP() {
    return topP;
  }

  /** 0 disables top-k. */
  public int topK() {
    return topK;
  }

  public long seed() {
    return seed;
  }

  public boolean greedy() {
    return greedy;
  }

  public int[] stopTokenIds() {
    return stopTokenIds.clone();
  }

  public List<String> stopStrings() {
    return stopStrings;
  }

  /** Decodes generated ids for stop-string matching; {@code null} when no stop strings are set. */
  public Function<int[], String> decoder() {
    return decoder;
  }

  /** Id fed for prompt padding and after a sequence has finished. */
  public int padTokenId() {
    return padTokenId;
  }

  @Override
  public String toString() {
    return "GenerationConfig{maxNewTokens=" + maxNewTokens + ", temperature=" + temperature + ", topP=" + topP
        + ", topK=" + topK + ", seed=" + seed + ", greedy=" + greedy + ", stopTokenIds="
        + Arrays.toString(stopTokenIds) + ", stopStrings=" + stopStrings + "}";
  }

  /** Builder: {@code set...} for required settings, {@code opt...} for optional ones. */
  public static final class Builder {
    private int maxNewTokens = -1;
    private double temperature = 1.0;
    private double topP = 1.0;
    private int topK = 0;
    private long seed = 0;
    private boolean greedy;
    private int[] stopTokenIds = new int[0];
    private List<String> stopStrings = List.of();
    private Function<int[], String> decoder;
    private int padTokenId = 0;

    private Builder() {}

    public Builder setMaxNewTokens(int n) {
      this.maxNewTokens = n;
      return this;
    }

    /** Softmax temperature, > 0 (default 1). */
    public Builder optTemperature(double t) {
      this.temperature = t;
      return this;
    }

    /** Nucleus mass in (0, 1] (default 1: off). */
    public Builder optTopP(double p) {
      this.topP = p;
      return this;
    }

    /** Keep only the k most likely tokens; 0 (default) disables. */
    public Builder optTopK(int k) {
      this.topK = k;
      return this;
    }

    public Builder optSeed(long s) {
      this.seed = s;
      return this;
    }

    /** Argmax decoding. */
    public Builder optGreedy(boolean g) {
      this.greedy = g;
      return this;
    }

    /** Token ids that end a sequence (kept in its output, finish reason stop). */
    public Builder optStopTokenIds(int... ids) {
      this.stopTokenIds = ids.clone();
      return this;
    }

    /** Strings that end a sequence once its decoded text contains one; needs a decoder. */
    public Builder optStopStrings(List<String> strings, Function<int[], String> decoder) {
      this.stopStrings = List.copyOf(strings);
      this.decoder = decoder;
      return this;
    }

    public Builder optPadTokenId(int id) {
      this.padTokenId = id;
      return this;
    }

    public GenerationConfig build() {
      if (maxNewTokens <= 0) {
        throw PolicyErrors.badRequest("max-new-tokens must be > 0, got " + maxNewTokens);
      }
      if (!greedy && !(temperature > 0)) {
        throw PolicyErrors.badRequest("temperature must be > 0 (use greedy for argmax), got " + temperature);
      }
      if (!(topP > 0 && topP <= 1)) {
        throw PolicyErrors.badRequest("top-p must be in (0, 1], got " + topP);
      }
      if (topK < 0) {
        throw PolicyErrors.badRequest("top-k must be >= 0 (0 disables), got " + topK);
      }
      if (!stopStrings.isEmpty() && decoder == null) {
        throw PolicyErrors.badRequest("stop strings need a decoder (a tokenizer)");
      }
      for (String s : stopStrings) {
        if (s.isEmpty()) {
          throw PolicyErrors.badRequest("stop strings must not be empty");
        }
      }
      return new GenerationConfig(this);
    }
  }
}
