package io.longctx.policy.train;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;

/** The user-facing errors of the training side: each says what failed, why, and how to fix it. */
final class TrainErrors {
  private TrainErrors() {}

  static double requireRange(String setting, double v, double lo, double hi) {
    if (!(v >= lo && v <= hi)) {
      throw new IllegalArgumentException(
          "Invalid training setting " + setting + "=" + v + ": must be in [" + lo + ", " + hi + "].");
    }
    return v;
  }

  static IllegalArgumentException shape(String name, String expected, Shape actual) {
    return new IllegalArgumentException(
        "Loss input '" + name + "' has shape " + actual + " but " + expected + " was expected. Score the same"
            + " right-padded response batch for every input so that all tensors share [B, T].");
  }

  static IllegalArgumentException emptyBatch(long tokens, long sequences) {
    return new IllegalArgumentException(
        "Cannot compute a loss over " + tokens + " response tokens in " + sequences + " sequences: the batch has"
            + " no response token to train on. Drop empty responses before the optimizer step.");
  }

  static IllegalArgumentException missingReference(double klCoef) {
    return new IllegalArgumentException(
        "kl-coef is " + klCoef + " but no reference log-probs were given: score the responses under the"
            + " reference policy, or set optim.kl-coef to 0.");
  }

  static IllegalArgumentException badRollout(int index, String why) {
    return new IllegalArgumentException("Rollout #" + index + " cannot be trained on: " + why + ".");
  }

  static IllegalStateException stateMismatch(Path file, String why) {
    return new IllegalStateException(
        "Cannot load optimizer state " + file + ": " + why + ". Was it saved for this model? Delete it to restart"
            + " the optimizer from zero moments.");
  }

  static IllegalStateException unreadableState(Path file, String why) {
    return new IllegalStateException(
        "Cannot read optimizer state " + file + ": " + why + ". The file is damaged or not an optimizer state"
            + " written by longctx; restore it from the previous checkpoint.");
  }
}
