package io.longctx.policy.generate;

/**
 * One generated sequence.
 *
 * @param promptIds the prompt as given
 * @param tokenIds generated ids (a stop token, when one ended the sequence, is included)
 * @param logProbs per generated token, log p(token | prefix) under the raw policy distribution (temperature 1,
 *     no top-k/top-p filtering), the quantity policy-gradient training uses as "old" log-probs
 * @param finishReason stop or length
 */
public record Generation(int[] promptIds, int[] tokenIds, float[] logProbs, FinishReason finishReason) {

  /** Prompt ids followed by generated ids (the Hugging Face {@code generate} convention). */
  public int[] outputIds() {
    int[] out = new int[promptIds.length + tokenIds.length];
    System.arraycopy(promptIds, 0, out, 0, promptIds.length);
    System.arraycopy(tokenIds, 0, out, promptIds.length, tokenIds.length);
    return out;
  }

  /**
   * The generated ids without the stop token that ended the turn, if the last one is among {@code stopIds}: the
   * ids of the response text.
   */
  public int[] responseIds(int[] stopIds) {
    int n = tokenIds.length;
    if (n > 0) {
      for (int s : stopIds) {
        if (tokenIds[n - 1] == s) {
          return java.util.Arrays.copyOf(tokenIds, n - 1);
        }
      }
    }
    return tokenIds;
  }
}
