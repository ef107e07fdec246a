package io.longctx.policy.model;

/**
 * YaRN rotary scaling ({@code rope_scaling} / {@code rope_parameters} with {@code rope_type: yarn}), as
 * QwenLong-L1 documents for inputs beyond the base model's 32K context.
 *
 * @param factor context extension factor (e.g. 4.0 for 32K to 128K)
 * @param originalMaxPositionEmbeddings the pre-training context length the correction range is computed for
 * @param betaFast high-frequency boundary of the ramp (default 32)
 * @param betaSlow low-frequency boundary of the ramp (default 1)
 * @param attentionFactor multiplier applied to cos/sin; {@code null} means derived from {@code factor} (and
 *     {@code mscale}/{@code mscaleAllDim} when both are given), as transformers does
 * @param mscale optional DeepSeek-style mscale
 * @param mscaleAllDim optional DeepSeek-style mscale_all_dim
 * @param truncate whether the correction range is rounded to whole dimensions (transformers default true)
 */
public record RopeScaling(
    double factor,
    int originalMaxPositionEmbeddings,
    double betaFast,
    double betaSlow,
    Double attentionFactor,
    Double mscale,
    Double mscaleAllDim,
    boolean truncate) {

  /** YaRN with the given factor and original context, everything else at transformers' defaults. */
  public static RopeScaling yarn(double factor, int originalMaxPositionEmbeddings) {
    return new RopeScaling(factor, originalMaxPositionEmbeddings, 32, 1, null, null, null, true);
  }

  /** The factor cos and sin are multiplied by. */
  public double effectiveAttentionFactor() {
    if (attentionFactor != null) {
      return attentionFactor;
    }
    if (mscale != null && mscaleAllDim != null && mscale != 0 && mscaleAllDim != 0) {
      return getMscale(factor, mscale) / getMscale(factor, mscaleAllDim);
    }
    return getMscale(factor, 1.0);
  }

  private static double getMscale(double scale, double m) {
    return scale <= 1 ? 1.0 : 0.1 * m * Math.log(scale) + 1.0;
  }

  /**
   * Inverse frequencies for a rotary dimension {@code dim} and base {@code theta}, blending interpolation and
   * extrapolation with the linear ramp over the YaRN correction range. Computed step by step in float32 like
   * transformers, so that rotary phases at long positions match the reference, not only within tolerance.
   */
  public float[] inverseFrequencies(int dim, double theta) {
    double low = correctionDim(betaFast, dim, theta);
    double high = correctionDim(betaSlow, dim, theta);
    if (truncate) {
      low = Math.floor(low);
      high = Math.ceil(high);
    }
    low = Math.max(low, 0);
    high = Math.min(high, dim - 1);
    if (low == high) {
      high += 0.001;
    }
    float span = (float) (high - low);
    float[] inv = new float[dim / 2];
    for (int i = 0; i < inv.length; i++) {
      float posFreq = (float) Math.pow(theta, (float) (2 * i) / (float) dim);
      float extrapolation = 1f / posFreq;
      float interpolation = 1f / ((float) factor * posFreq);
      float ramp = Math.min(1f, Math.max(0f, ((float) i - (float) low) / span));
      float extrapolationFactor = 1f - ramp;
      inv[i] = interpolation * (1f - extrapolationFactor) + extrapolation * extrapolationFactor;
    }
    return inv;
  }

  private double correctionDim(double rotations, int dim, double theta) {
    return (dim * Math.log(originalMaxPositionEmbeddings / (rotations * 2 * Math.PI))) / (2 * Math.log(theta));
  }
}
