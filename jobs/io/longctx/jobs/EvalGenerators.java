package io.longctx.jobs;

import io.longctx.jobs.config.LongctxConfig;
import io.longctx.transforms.eval.PolicyGenerators;
import io.longctx.transforms.eval.ResponseGenerator;
import io.longctx.transforms.rollout.RolloutBackendConfig;
import io.longctx.transforms.rollout.RolloutServerSession;

/** The response generator {@code eval.rollout} selects for a checkpoint: the built-in engine or a server. */
public final class EvalGenerators {
  private EvalGenerators() {}

  /**
   * The built-in engine's loader, or for {@code eval.rollout.backend: http} a server loader after the server was
   * checked and handed the checkpoint ({@code eval.rollout.weights}).
   */
  public static ResponseGenerator.Loader forCheckpoint(LongctxConfig config, String checkpoint) {
    RolloutBackendConfig r = config.eval().rollout();
    if (!r.http()) {
      return PolicyGenerators.forCheckpoint(checkpoint, config.policy(), config.eval().seed());
    }
    return PolicyGenerators.forServer(
        new RolloutServerSession(r, config.eval().run()).prepare(checkpoint), config.policy());
  }
}
