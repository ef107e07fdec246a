package io.longctx.policy.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Causal attention through PyTorch's fused {@code scaled_dot_product_attention} (flash kernel on CPU and GPU,
 * forward and backward, no {@code length x length} scores), which DJL has no binding for: a TorchScript module
 * that calls it ({@code causal_attention.pt}, written by {@code scripts/make_fused_attention.py}) is loaded once per
 * JVM. For unpadded sequences without a cache prefix (prefill, training batches without left padding); anything
 * else uses the chunked {@link Attention}. Falls back to it, with one warning, where the module cannot load.
 */
final class FusedAttention {
  private static final Logger LOG = LoggerFactory.getLogger(FusedAttention.class);
  private static final String RESOURCE = "causal_attention.pt";
  private static volatile PtSymbolBlock block;
  private static volatile boolean failed;

  /** Calls of the fused kernel in this JVM: a diagnostic that lets tests prove the fused path ran. */
  static final java.util.concurrent.atomic.AtomicLong CALLS = new java.util.concurrent.atomic.AtomicLong();

  private FusedAttention() {}

  /** Whether the fused kernel can run here (loads it on first call). */
  static boolean available() {
    if (block != null) {
      return true;
    }
    if (failed) {
      return false;
    }
    synchronized (FusedAttention.class) {
      if (block == null && !failed) {
        try (InputStream in = FusedAttention.class.getResourceAsStream(RESOURCE)) {
          if (!"PyTorch".equals(Engine.getInstance().getEngineName()) || in == null) {
            throw new IllegalStateException("needs the PyTorch engine and the " + RESOURCE + " resource");
          }
          // the module has no parameters: the manager only owns its handle, for the life of the JVM
          NDManager owner = NDManager.newBaseManager();
          block = JniUtils.loadModule((PtNDManager) owner, in, false, false);
        } catch (Exception | UnsatisfiedLinkError e) {
          failed = true;
          LOG.warn("Fused attention unavailable ({}); using chunked attention", e.toString());
        }
      }
      return block != null;
    }
  }

  /**
   * @param q {@code [B, H, L, D]}, rotated, not scaled
   * @param k {@code [B, KV, L, D]}
   * @param v {@code [B, KV, L, D]}
   * @return {@code [B, H, L, D]}: query {@code i} attends to keys {@code 0..i}
   */
  static NDArray attend(NDArray q, NDArray k, NDArray v) {
    long b = q.getShape().get(0);
    long h = q.getShape().get(1);
    long l = q.getShape().get(2);
    long d = q.getShape().get(3);
    long kv = k.getShape().get(1);
    if (kv != h) {
      // each key/value head serves h / kv consecutive query heads (as repeat_kv in transformers)
      k = k.expandDims(2).broadcast(b, kv, h / kv, l, d).reshape(b, h, l, d);
      v = v.expandDims(2).broadcast(b, kv, h / kv, l, d).reshape(b, h, l, d);
    }
    CALLS.incrementAndGet();
    boolean training = JniUtils.isGradMode();
    return block.forward(new ParameterStore(q.getManager(), false), new NDList(q, k, v), training).singletonOrThrow();
  }
}
