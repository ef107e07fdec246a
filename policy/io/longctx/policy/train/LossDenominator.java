package io.longctx.policy.train;

import ai.djl.ndarray.NDArray;

/**
 * What a loss is divided by: the number of unmasked response tokens ({@link LossAggregation#TOKEN_MEAN}) or of
 * sequences with at least one such token ({@link LossAggregation#SEQ_MEAN_TOKEN_MEAN}) in the whole mini-batch.
 * When a mini-batch is split into gradient-accumulation micro-batches, every micro-batch is divided by the
 * mini-batch's denominator, so the summed gradients equal those of one pass over the whole mini-batch.
 *
 * @param tokens unmasked response tokens in the mini-batch (at least 1)
 * @param sequences sequences with at least one unmasked token (at least 1)
 */
public record LossDenominator(long tokens, long sequences) {
  public LossDenominator {
    if (tokens < 1 || sequences < 1) {
      throw TrainErrors.emptyBatch(tokens, sequences);
    }
  }

  /** The denominator of a single batch given its response mask [B, T] (1 = response token, 0 = not). */
  public static LossDenominator of(NDArray mask) {
    float[] m = mask.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    long rows = mask.getShape().get(0);
    int cols = (int) mask.getShape().get(1);
    long tokens = 0;
    long sequences = 0;
    for (int r = 0; r < rows; r++) {
      long n = 0;
      for (int c = 0; c < cols; c++) {
        n += m[r * cols + c] > 0 ? 1 : 0;
      }
      tokens += n;
      sequences += n > 0 ? 1 : 0;
    }
    return new LossDenominator(tokens, sequences);
  }

  /** The denominator of a batch given each sequence's number of response tokens. */
  public static LossDenominator ofLengths(int[] responseTokens) {
    long tokens = 0;
    long sequences = 0;
    for (int n : responseTokens) {
      tokens += n;
      sequences += n > 0 ? 1 : 0;
    }
    return new LossDenominator(tokens, sequences);
  }

  double divisor(LossAggregation aggregation) {
    return aggregation == LossAggregation.TOKEN_MEAN ? tokens : sequences;
  }
}
