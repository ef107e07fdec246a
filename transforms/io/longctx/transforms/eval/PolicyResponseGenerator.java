package io.longctx.transforms.eval;

import io.longctx.policy.PolicyConfig;
import io.longctx.policy.generate.GenerationConfig;
import io.longctx.policy.generate.GroupRequest;
import io.longctx.policy.generate.GroupScheduler;
import io.longctx.policy.lora.AdapterCheckpoints;
import io.longctx.policy.model.Devices;
import io.longctx.policy.model.Qwen2Config;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.tokenizer.Tokenizer;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.transforms.TaskDevices;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Generation with the policy engine ({@link GroupScheduler} over a {@link Qwen2Model}). The model runs on the GPU
 * that Spark's resource scheduling gave the task ({@code spark.task.resource.gpu.amount}), else as
 * {@code policy.device} says. Each prompt is prefilled on its own (no padding, so long prompts take the fused
 * attention kernel) and the batch's rows decode together, finished rows making room for waiting prompts. Each
 * request samples from its own seed, so an item's response does not depend on the batch it lands in.
 */
final class PolicyResponseGenerator implements ResponseGenerator {
  private final Qwen2Model model;
  private final Tokenizer tokenizer;

  private PolicyResponseGenerator(Qwen2Model model, Tokenizer tokenizer) {
    this.model = model;
    this.tokenizer = tokenizer;
  }


  /** The serializable recipe shipped to executors: checkpoint, tokenizer, device preference. */
  record Loader(String checkpoint, TokenizerSpec tokenizer, String devicePreference, int[] embeddedShape,
      double embeddedRopeTheta, long initSeed) implements ResponseGenerator.Loader {

    @Override
    public String cacheKey() {
      return checkpoint + "|" + tokenizer.value() + "|" + device() + "|" + Arrays.toString(embeddedShape) + "|"
          + initSeed;
    }

    /** The task's GPU when Spark assigned one, else the configured preference ({@code auto}, {@code cpu}, {@code gpu}). */
    String device() {
      return TaskDevices.forTask(devicePreference);
    }

    @Override
    public ResponseGenerator load() {
      Tokenizer tok = tokenizer.open();
      var device = Devices.resolve(device());
      Qwen2Model model;
      if (PolicyGenerators.EMBEDDED.equals(checkpoint)) {
        int[] s = embeddedShape;
        PolicyConfig.EmbeddedModel shape = new PolicyConfig.EmbeddedModel(s[0], s[1], s[2], s[3], s[4],
            embeddedRopeTheta);
        model = Qwen2Model.random(Qwen2Config.embedded(shape, tok.vocabSize()), initSeed, device);
      } else {
        model = AdapterCheckpoints.load(Path.of(checkpoint), device);
      }
      return new PolicyResponseGenerator(model, tok);
    }
  }

  @Override
  public List<Generation> generate(List<String> prompts, List<Long> seeds, SamplingSettings settings) {
    List<int[]> ids = new ArrayList<>(prompts.size());
    for (String p : prompts) {
      ids.add(tokenizer.encode(p));
    }
    GenerationConfig config = settings.generationConfig(tokenizer);
    List<GroupRequest> requests = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      requests.add(new GroupRequest(ids.get(i), 1, seeds.isEmpty() ? settings.seed() : seeds.get(i)));
    }
    GroupScheduler scheduler = new GroupScheduler(model, Math.max(1, ids.size()));
    List<io.longctx.policy.generate.Generation> out = new ArrayList<>(ids.size());
    for (List<io.longctx.policy.generate.Generation> one : scheduler.generate(requests, config)) {
      out.add(one.get(0));
    }
    List<Generation> responses = new ArrayList<>(out.size());
    for (io.longctx.policy.generate.Generation g : out) {
      responses.add(Generation.of(g, tokenizer));
    }
    return responses;
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
  }
}
