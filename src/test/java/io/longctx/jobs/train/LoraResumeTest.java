package io.longctx.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.longctx.policy.PolicyConfig;
import io.longctx.policy.lora.AdapterCheckpoints;
import io.longctx.policy.lora.LoraConfig;
import io.longctx.policy.model.Qwen2Config;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.policy.train.OptimConfig;
import io.longctx.policy.train.Rollout;
import io.longctx.policy.train.SftExample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA training resumed from its checkpoints (adapter + optimizer state, reloaded into a fresh {@link PolicyState}
 * after every step) writes exactly the bytes of uninterrupted training: SFT updates, then RL updates with non-zero
 * advantages, adapter dropout on (its masks are seeded per update).
 */
class LoraResumeTest {
  private static final TokenizerSpec TOKENIZER = new TokenizerSpec("byte");
  @TempDir Path dir;

  private static final LoraConfig LORA =
      new LoraConfig(true, 4, 8, 0.2, LoraConfig.defaults().targetModules(), List.of("sft", "train"));

  private static OptimConfig optim() {
    OptimConfig d = OptimConfig.defaults();
    return new OptimConfig(1e-2, d.beta1(), d.beta2(), d.eps(), d.weightDecay(), 1, "cosine", 10, 0.1,
        d.maxGradNorm(), d.clipRatioLow(), d.clipRatioHigh(), d.lossAgg(), 0, 0, 4, 2, 1, d.aepo(), d.negativeClip());
  }

  /** Step {@code k} (1-based) of the sequence: two SFT steps, then two RL steps. */
  private static void step(PolicyState policy, int k) {
    Random rnd = new Random(k);
    List<int[]> prompts = new ArrayList<>();
    List<int[]> responses = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      prompts.add(rnd.ints(5 + rnd.nextInt(5), 0, 50).toArray());
      responses.add(rnd.ints(2 + rnd.nextInt(5), 0, 50).toArray());
    }
    if (k <= 2) {
      List<SftExample> examples = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        examples.add(new SftExample(prompts.get(i), responses.get(i)));
      }
      policy.trainer().sftStep(examples);
    } else {
      List<float[]> old = policy.logProbs(prompts, responses, 4);
      List<Rollout> rollouts = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        rollouts.add(Rollout.of(prompts.get(i), responses.get(i), old.get(i), (float) rnd.nextGaussian()));
      }
      policy.trainer().step(rollouts);
    }
  }

  @Test
  void resumedLoraTrainingEqualsUninterruptedTraining() throws Exception {
    Path base = dir.resolve("base");
    Qwen2Config shape = Qwen2Config.embedded(new PolicyConfig.EmbeddedModel(32, 2, 4, 2, 64, 10000.0), 50);
    try (Qwen2Model m = Qwen2Model.random(shape, 3, Device.cpu())) {
      m.save(base);
    }
    try (PolicyState policy = PolicyState.load(base, optim(), "cpu", 1.0, true, LORA, 5)) {
      for (int k = 1; k <= 4; k++) {
        step(policy, k);
        policy.save(dir.resolve("a" + k), TOKENIZER);
      }
      assertThat(policy.trainer().updates()).isEqualTo(8);
    }
    Path from = base;
    for (int k = 1; k <= 4; k++) {
      ai.djl.engine.Engine.getInstance().setRandomSeed(1000 + k); // as a new process would: another generator state
      try (PolicyState policy = PolicyState.load(from, optim(), "cpu", 1.0, true, LORA, 5)) {
        step(policy, k);
        from = dir.resolve("b" + k);
        policy.save(from, TOKENIZER);
      }
      for (String f : List.of(AdapterCheckpoints.WEIGHTS_FILE, PolicyState.OPTIMIZER_FILE)) {
        assertThat(Files.readAllBytes(from.resolve(f))).as("step %d %s", k, f)
            .isEqualTo(Files.readAllBytes(dir.resolve("a" + k).resolve(f)));
      }
    }
    // dropout mattered: the same updates without it end elsewhere
    LoraConfig noDropout = new LoraConfig(true, 4, 8, 0, LORA.targetModules(), LORA.stages());
    try (PolicyState policy = PolicyState.load(base, optim(), "cpu", 1.0, true, noDropout, 5)) {
      step(policy, 1);
      policy.save(dir.resolve("c1"), TOKENIZER);
    }
    assertThat(Files.readAllBytes(dir.resolve("c1").resolve(AdapterCheckpoints.WEIGHTS_FILE)))
        .as("dropout changes the update").isNotEqualTo(Files.readAllBytes(dir.resolve("a1")
            .resolve(AdapterCheckpoints.WEIGHTS_FILE)));
  }
}
