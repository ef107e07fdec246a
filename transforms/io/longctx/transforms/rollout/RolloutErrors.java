package io.longctx.transforms.rollout;

/** Errors of the rollout stage's inference-server backend: what failed, where, and what to do. */
public final class RolloutErrors {
  private RolloutErrors() {}

  /** Thrown when rollouts cannot be had from the server; the step fails and is not committed. */
  public static final class RolloutServerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RolloutServerException(String message) {
      super(message);
    }
  }

  static RolloutServerException requestFailed(String url, String sampleId, int attempts, String reason) {
    return new RolloutServerException("Rollouts for sample '" + sampleId + "' from the server at " + url
        + " failed after " + attempts + " attempt(s): " + reason + ". The step is not committed; rerun to resume"
        + " once the server answers.");
  }

  static RolloutServerException refused(String url, String sampleId, int status, String body) {
    return new RolloutServerException("The server at " + url + " refused the rollouts of sample '" + sampleId
        + "' with HTTP " + status + ": " + abbreviate(body) + ". The step is not committed.");
  }

  static RolloutServerException unreachable(String url, String reason) {
    return new RolloutServerException("The rollout server at " + url + " is not reachable (" + reason + "): start"
        + " it (e.g. 'bin/longctx serve --model DIR --port N', vLLM or SGLang) or fix train.rollout.endpoint.");
  }

  static RolloutServerException weightsRefused(String url, String checkpoint, int status, String body) {
    return new RolloutServerException("The rollout server at " + url + " could not load the checkpoint "
        + checkpoint + " (HTTP " + status + ": " + abbreviate(body) + "). The server must read the trainer's"
        + " checkpoint directories: put the warehouse on storage both share (same path on both), or set"
        + " train.rollout.weights to match the server (lora for vLLM adapters, full for SGLang).");
  }

  static RolloutServerException notShared(String checkpoint) {
    return new RolloutServerException("The step's checkpoint " + checkpoint + " is not a readable directory on the"
        + " driver, so the rollout server cannot load it either.");
  }

  static String abbreviate(String s) {
    String one = s == null ? "" : s.replace('\n', ' ');
    return one.length() <= 300 ? one : one.substring(0, 300) + "...";
  }
}
