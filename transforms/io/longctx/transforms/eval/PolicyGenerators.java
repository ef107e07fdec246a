package io.longctx.transforms.eval;

import io.longctx.policy.PolicyConfig;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.transforms.rollout.RolloutServer;

/** Builds the {@link ResponseGenerator.Loader} that evaluates a checkpoint with the policy engine. */
public final class PolicyGenerators {
  /** The checkpoint name of the built-in small model before it has been trained (random weights). */
  public static final String EMBEDDED = "embedded";

  private PolicyGenerators() {}

  /**
   * A loader for {@code checkpoint}: a Hugging Face model directory ({@code config.json} +
   * {@code model.safetensors}), a LoRA adapter directory over one (PEFT layout), or {@code embedded} for the
   * randomly initialised built-in model of the
   * {@code policy.embedded} shape (seeded by {@code initSeed}). The tokenizer and device come from {@code policy}.
   */
  public static ResponseGenerator.Loader forCheckpoint(String checkpoint, PolicyConfig policy, long initSeed) {
    PolicyConfig.EmbeddedModel e = policy.embedded();
    int[] shape = {e.hiddenSize(), e.layers(), e.attentionHeads(), e.kvHeads(), e.intermediateSize()};
    return new PolicyResponseGenerator.Loader(
        checkpoint, new TokenizerSpec(policy.tokenizer()), policy.device(), shape, e.ropeTheta(), initSeed);
  }

  /**
   * A loader that asks an OpenAI-compatible server for the responses ({@code eval.rollout.backend: http}); the
   * server must already hold the checkpoint's weights (see {@code RolloutServerSession#prepare}). Prompts are
   * tokenised with {@code policy.tokenizer}.
   */
  public static ResponseGenerator.Loader forServer(RolloutServer server, PolicyConfig policy) {
    return new ServerResponseGenerator.Loader(server, new TokenizerSpec(policy.tokenizer()));
  }
}
