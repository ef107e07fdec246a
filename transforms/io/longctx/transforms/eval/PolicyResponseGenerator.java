package io.longctx.transforms.eval;

import io.longctx.policy.PolicyConfig;
import io.longctx.policy.generate.GenerationConfig;
import io.longctx.policy.generate.Generator;
import io.longctx.policy.model.Devices;
import io.longctx.policy.model.Qwen2Config;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.tokenizer.Tokenizer;
import io.longctx.policy.tokenizer.TokenizerSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * Generation with the policy engine ({@link Generator} over a {@link Qwen2Model}). The model runs on the GPU that
 * Spark's resource scheduling gave the task ({@code spark.task.resource.gpu.amount}), else as
 * {@code policy.device} says. One batch shares one sampling seed (the first request's), so results are
 * reproducible for a fixed seed, partitioning and batch size.
 */
final class PolicyResponseGenerator implements ResponseGenerator {
  private final Qwen2Model model;
  private final Tokenizer tokenizer;
  private final Generator generator;

  private PolicyResponseGenerator(Qwen2Model model, Tokenizer tokenizer) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.generator = new Generator(model);
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
      if (!"cpu".equals(devicePreference)) {
        TaskContext task = TaskContext.get();
        if (task != null) {
          Map<String, ResourceInformation> resources = task.resourcesJMap();
          ResourceInformation gpu = resources.get("gpu");
          if (gpu != null && gpu.addresses().length > 0) {
            return gpu.addresses()[0];
          }
        }
      }
      return devicePreference;
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
        model = Qwen2Model.load(Path.of(checkpoint), device);
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
    GenerationConfig config = GenerationConfig.builder()
        .setMaxNewTokens(settings.maxNewTokens())
        .optGreedy(settings.greedy())
        .optTemperature(settings.temperature())
        .optTopP(settings.topP())
        .optSeed(seeds.isEmpty() ? settings.seed() : seeds.get(0))
        .optStopTokenIds(tokenizer.stopTokenIds())
        .optPadTokenId(tokenizer.padTokenId())
        .build();
    List<io.longctx.policy.generate.Generation> out = generator.generate(ids, config);
    List<Generation> responses = new ArrayList<>(out.size());
    for (io.longctx.policy.generate.Generation g : out) {
      int[] tokens = g.tokenIds();
      int n = tokens.length;
      if (n > 0 && isStop(tokens[n - 1])) {
        n--; // the stop token ends the turn; it is not part of the response text
      }
      responses.add(new Generation(tokenizer.decode(Arrays.copyOf(tokens, n)), tokens.length,
          g.finishReason().name().toLowerCase(java.util.Locale.ROOT)));
    }
    return responses;
  }

  private boolean isStop(int id) {
    for (int s : tokenizer.stopTokenIds()) {
      if (s == id) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
  }
}
