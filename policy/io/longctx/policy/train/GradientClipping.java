package io.longctx.policy.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.Collection;

/**
 * Global-norm gradient clipping, as {@code torch.nn.utils.clip_grad_norm_}: the L2 norm over all gradients
 * together; if it exceeds {@code maxNorm} every gradient is scaled in place by {@code maxNorm / (norm + 1e-6)}.
 */
public final class GradientClipping {
  private GradientClipping() {}

  /** The global L2 norm of the gradients (computed in double from per-tensor float32 norms). */
  public static double globalNorm(Collection<NDArray> grads) {
    double sumSq = 0;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      for (NDArray g : grads) {
        double n = g.norm().getFloat();
        sumSq += n * n;
      }
    }
    return Math.sqrt(sumSq);
  }

  /**
   * Clips in place and returns the norm before clipping. A non-finite norm leaves the gradients untouched (the
   * caller should skip the update, as verl does).
   */
  public static double clipGlobalNorm(Collection<NDArray> grads, double maxNorm) {
    TrainErrors.requireRange("max-grad-norm", maxNorm, Double.MIN_VALUE, Double.MAX_VALUE);
    double norm = globalNorm(grads);
    if (!Double.isFinite(norm)) {
      return norm;
    }
    double coef = maxNorm / (norm + 1e-6);
    if (coef < 1.0) {
      for (NDArray g : grads) {
        g.muli((float) coef);
      }
    }
    return norm;
  }
}
