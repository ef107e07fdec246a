package io.longctx.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Causal grouped-query attention processed in query chunks. Each chunk computes an exact softmax over the keys
 * it may see ({@code [0, past + chunkEnd)}), so at most {@code heads x chunk x keys} scores exist at once and
 * prefill memory grows linearly with the sequence length. Query heads are grouped per key/value head with a
 * reshape, so keys and values are never repeated.
 */
final class Attention {
  /** Additive bias for masked scores: finite, so fully masked (padding) rows stay finite. */
  static final float MASKED = -1e30f;

  /**
   * Largest score tensor (elements) built since the last reset: a diagnostic that lets tests prove prefill never
   * materialises a full length x length matrix. Updated without locking; exact when one thread runs a model.
   */
  static final java.util.concurrent.atomic.AtomicLong LARGEST_SCORES = new java.util.concurrent.atomic.AtomicLong();

  private Attention() {}

  /**
   * @param q {@code [B, H, L, D]}, already rotated
   * @param k {@code [B, KV, S, D]} with {@code S = past + L}
   * @param v {@code [B, KV, S, D]}
   * @param padBias {@code [B, 1, 1, 1, S]} additive key-padding bias, or {@code null}
   * @param fused use PyTorch's fused kernel ({@link FusedAttention}) where it applies: no padding, no cache prefix
   * @return {@code [B, H, L, D]}
   */
  static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray padBias, int past, int chunk, boolean fused) {
    if (fused && padBias == null && past == 0 && q.getShape().get(2) > 1 && FusedAttention.available()) {
      return FusedAttention.attend(q, k, v);
    }
    long b = q.getShape().get(0);
    long h = q.getShape().get(1);
    int l = Math.toIntExact(q.getShape().get(2));
    long d = q.getShape().get(3);
    long kv = k.getShape().get(1);
    long g = h / kv;
    NDArray scaled = q.mul((float) (1.0 / Math.sqrt(d)));
    // made here, in the caller's scope, since the chunks' scopes would close them after the first chunk
    Triangles triangles = new Triangles(q.getManager(), l <= chunk ? l : chunk, l <= chunk ? 0 : l % chunk);
    if (l <= chunk) {
      return chunk(scaled, k, v, padBias, triangles, past, 0, l, b, kv, g, d);
    }
    NDList parts = new NDList();
    for (int c0 = 0; c0 < l; c0 += chunk) {
      int c1 = Math.min(l, c0 + chunk);
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray part = chunk(scaled, k, v, padBias, triangles, past, c0, c1, b, kv, g, d);
        NDScope.unregister(part);
        parts.add(part);
      }
    }
    NDArray out = NDArrays.concat(parts, 2);
    parts.close();
    return out;
  }

  /**
   * Queries {@code [c0, c1)} against keys {@code [0, past + c1)}. Keys before {@code past + c0} are visible to every
   * query of the chunk, so the causal mask is added, in place, to the last {@code c1 - c0} key columns only.
   */
  private static NDArray chunk(NDArray q, NDArray k, NDArray v, NDArray padBias, Triangles triangles, int past,
      int c0, int c1, long b, long kv, long g, long d) {
    int lc = c1 - c0;
    int keys = past + c1;
    NDArray qc = lc == q.getShape().get(2) ? q : q.get(new NDIndex().addAllDim(2).addSliceDim(c0, c1));
    NDArray kc = keys == k.getShape().get(2) ? k : k.get(new NDIndex().addAllDim(2).addSliceDim(0, keys));
    NDArray vc = keys == v.getShape().get(2) ? v : v.get(new NDIndex().addAllDim(2).addSliceDim(0, keys));
    NDArray qg = qc.reshape(b, kv, g * lc, d);
    NDArray scores = qg.matMul(kc.transpose(0, 1, 3, 2)).reshape(b, kv, g, lc, keys);
    LARGEST_SCORES.accumulateAndGet(b * kv * g * lc * keys, Math::max);
    if (lc > 1) {
      scores.get(new NDIndex().addAllDim(4).addSliceDim(keys - lc, keys)).addi(triangles.of(lc));
    }
    if (padBias != null) {
      scores.addi(keys == padBias.getShape().get(4) ? padBias : padBias.get(new NDIndex().addAllDim(4).addSliceDim(0, keys)));
    }
    NDArray probs = scores.softmax(-1).reshape(b, kv, g * lc, keys);
    return probs.matMul(vc).reshape(b, kv * g, lc, d);
  }

  /**
   * {@code [n, n]} causal biases (0 on and below the diagonal, {@link #MASKED} above) for the chunk lengths of one
   * attention call, made once and shared by its chunks.
   */
  private static final class Triangles {
    private final java.util.Map<Integer, NDArray> byLength = new java.util.HashMap<>();

    Triangles(NDManager manager, int... lengths) {
      for (int n : lengths) {
        if (n > 1 && !byLength.containsKey(n)) {
          NDArray col = manager.arange(0, n, 1, DataType.INT32);
          byLength.put(n, col.reshape(1, n).gt(col.reshape(n, 1)).toType(DataType.FLOAT32, false).mul(MASKED));
        }
      }
    }

    NDArray of(int n) {
      return byLength.get(n);
    }
  }
}
