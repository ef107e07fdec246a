package io.longctx.transforms.rollout;

/** The rollout engines that other stages (evaluation) reuse. */
public final class RolloutEngines {
  private RolloutEngines() {}

  /** The OpenAI-compatible server backend: one {@code /v1/completions} request per group, retried as configured. */
  public static RolloutEngine http(RolloutServer server) {
    return new HttpRolloutEngine(server);
  }
}
