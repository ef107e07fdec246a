package io.longctx.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/** Rotary position embeddings (rotate-half layout, as Qwen2 in transformers), plain or YaRN-scaled. */
final class Rope {
  private final NDArray invFreq;
  private final float attentionScale;
  private final int halfDim;
  /** Signed permutation with {@code x @ rotation == rotate_half(x) == cat(-x2, x1)}; one op instead of four. */
  private final NDArray rotation;

  Rope(Qwen2Config config, NDManager manager) {
    int dim = config.headDim();
    halfDim = dim / 2;
    float[] inv = new float[halfDim];
    if (config.ropeScaling() == null) {
      for (int i = 0; i < halfDim; i++) {
        // float32 like transformers: 1 / theta ** (arange(0, dim, 2).float() / dim)
        float exponent = (float) (2 * i) / (float) dim;
        inv[i] = 1f / (float) Math.pow(config.ropeTheta(), exponent);
      }
      attentionScale = 1f;
    } else {
      inv = config.ropeScaling().inverseFrequencies(dim, config.ropeTheta());
      attentionScale = (float) config.ropeScaling().effectiveAttentionFactor();
    }
    invFreq = manager.create(inv);
    float[] r = new float[dim * dim];
    for (int j = 0; j < halfDim; j++) {
      r[(j + halfDim) * dim + j] = -1f; // out[j] = -x[j + half]
      r[j * dim + j + halfDim] = 1f; // out[j + half] = x[j]
    }
    rotation = manager.create(r, new ai.djl.ndarray.types.Shape(dim, dim));
  }

  /** cos and sin for {@code positions [B, L]}, shaped {@code [B, L, 1, headDim]} to broadcast over heads. */
  NDList cosSin(NDArray positions) {
    NDArray pos = positions.toType(DataType.FLOAT32, false).expandDims(2);
    NDArray freqs = pos.mul(invFreq);
    NDArray emb = freqs.concat(freqs, -1).expandDims(2);
    NDArray cos = emb.cos();
    NDArray sin = emb.sin();
    if (attentionScale != 1f) {
      cos = cos.mul(attentionScale);
      sin = sin.mul(attentionScale);
    }
    return new NDList(cos, sin);
  }

  /** Applies the rotation to {@code x [B, L, heads, headDim]}. */
  NDArray apply(NDArray x, NDArray cos, NDArray sin) {
    return x.mul(cos).add(x.matMul(rotation).mul(sin));
  }
}
