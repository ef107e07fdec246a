package io.longctx.policy.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/** Resets accumulated parameter gradients between optimizer updates. */
final class Gradients {
  private Gradients() {}

  static void zero(NDArray p) {
    if (p instanceof PtNDArray pt) {
      JniUtils.zeroGrad(pt);
    } else if (p.hasGradient()) {
      try (NDArray g = p.getGradient()) {
        g.subi(g);
      }
    }
  }
}
