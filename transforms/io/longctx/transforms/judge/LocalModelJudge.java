package io.longctx.transforms.judge;

import ai.djl.Device;
import io.longctx.common.ConfigException;
import io.longctx.policy.generate.Generation;
import io.longctx.policy.generate.GenerationConfig;
import io.longctx.policy.generate.Generator;
import io.longctx.policy.model.Devices;
import io.longctx.policy.model.Qwen2Config;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.tokenizer.ChatTemplate;
import io.longctx.policy.tokenizer.Tokenizer;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.rewards.Judge;
import io.longctx.rewards.JudgePrompt;
import io.longctx.rewards.JudgeVerdict;
import io.longctx.rewards.RewardsConfig;
import io.longctx.transforms.TaskDevices;
import io.longctx.transforms.rollout.ExecutorCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The in-process LLM judge: a Qwen2-architecture instruct model (e.g. Qwen2.5-1.5B-Instruct, the judge QwenLong-L1
 * serves with vLLM) run by the policy engine inside the Spark task that scores the rollouts. It renders the
 * reference judge prompt ({@link JudgePrompt#SYSTEM} as the system turn, the problem and both answers as the user
 * turn) with the model's chat template, decodes greedily (the reference's temperature 0) up to
 * {@code max-tokens}, and parses the reply strictly ({@link JudgePrompt#parse}).
 *
 * <p>The model is loaded once per executor JVM and kept while its settings stay the same (it is separate from the
 * rollout policy's cache, so the two never evict each other). It runs on the GPU Spark assigned to the task, else
 * as {@code rewards.judge.device} says. Up to {@code concurrency} requests are decoded together in one padded
 * batch; calls are serialised per JVM. A batch that fails is retried one request at a time, and a request that
 * still fails yields {@link JudgeVerdict#ERROR} (score 0, counted), as the {@link Judge} contract asks. A model or
 * tokenizer that cannot be loaded fails the task with the reason: that is a configuration error, not a verdict.
 */
public final class LocalModelJudge implements Judge {
  private static final long serialVersionUID = 1L;
  private static final ExecutorCache<Loaded> CACHE = new ExecutorCache<>();

  private final String modelDir;
  private final TokenizerSpec tokenizer;
  private final String chatTemplate;
  private final String device;
  private final int maxTokens;
  private final int batchSize;

  private LocalModelJudge(String modelDir, TokenizerSpec tokenizer, String chatTemplate, String device,
      int maxTokens, int batchSize) {
    this.modelDir = modelDir;
    this.tokenizer = tokenizer;
    this.chatTemplate = chatTemplate;
    this.device = device;
    this.maxTokens = maxTokens;
    this.batchSize = batchSize;
  }

  /**
   * The judge {@code cfg} describes ({@code backend: local}). Checks on the driver, before any task runs, that
   * {@code model} is a Qwen2 model directory and that a tokenizer is given or the directory holds
   * {@code tokenizer.json}; fails with a {@link ConfigException} naming the key otherwise.
   */
  public static LocalModelJudge fromConfig(RewardsConfig.JudgeConfig cfg) {
    Path dir = Path.of(cfg.model());
    try {
      Qwen2Config.read(dir);
    } catch (RuntimeException e) {
      throw new ConfigException("rewards.judge.model", "cannot use " + dir.toAbsolutePath() + " as the judge: "
          + e.getMessage());
    }
    String tok = cfg.tokenizer();
    if (tok.isBlank()) {
      if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
        throw new ConfigException("rewards.judge.tokenizer", "is empty, so the judge's tokenizer.json is read from "
            + dir.toAbsolutePath() + ", which has none; set rewards.judge.tokenizer");
      }
      tok = dir.toString();
    }
    return new LocalModelJudge(dir.toAbsolutePath().toString(), new TokenizerSpec(tok), cfg.chatTemplate(),
        cfg.device(), cfg.maxTokens(), cfg.concurrency());
  }

  /** The exact text the judge model is given: the system and user turns in its chat template. */
  public String render(Request request) {
    return ChatTemplate.forName(chatTemplate)
        .render(JudgePrompt.SYSTEM, JudgePrompt.user(request.question(), request.predicted(), request.gold()));
  }

  @Override
  public Result judge(Request request) {
    return judgeAll(List.of(request)).get(0);
  }

  @Override
  public List<Result> judgeAll(List<Request> requests) {
    List<Result> out = new ArrayList<>(requests.size());
    if (requests.isEmpty()) {
      return out;
    }
    Loaded judge = loaded();
    synchronized (judge) {
      for (int from = 0; from < requests.size(); from += batchSize) {
        out.addAll(judge.reply(requests.subList(from, Math.min(requests.size(), from + batchSize)), this));
      }
    }
    return out;
  }

  /** How many judge models this JVM has loaded: once per model and device, not once per partition. */
  public static int loads() {
    return CACHE.loads();
  }

  private Loaded loaded() {
    Device d = Devices.resolve(TaskDevices.forTask(device));
    String key = modelDir + "@" + d + "#" + tokenizer.value();
    return CACHE.get(key, k -> Loaded.open(Path.of(modelDir), tokenizer, d));
  }

  /** The judge model and tokenizer held by one executor JVM. */
  private static final class Loaded implements AutoCloseable {
    private final Qwen2Model model;
    private final Tokenizer tokenizer;
    private final Generator generator;

    private Loaded(Qwen2Model model, Tokenizer tokenizer) {
      this.model = model;
      this.tokenizer = tokenizer;
      this.generator = new Generator(model);
    }

    static Loaded open(Path dir, TokenizerSpec spec, Device device) {
      Tokenizer tok = spec.open();
      Qwen2Model model;
      try {
        model = Qwen2Model.load(dir, device);
      } catch (RuntimeException e) {
        tok.close();
        throw e;
      }
      if (tok.vocabSize() > model.config().vocabSize()) {
        model.close();
        tok.close();
        throw new ConfigException("rewards.judge.tokenizer", "its " + tok.vocabSize() + " token ids do not fit the "
            + "judge model's vocabulary of " + model.config().vocabSize() + " (" + dir + ")");
      }
      System.err.println("longctx judge: loaded " + dir + " on " + device);
      return new Loaded(model, tok);
    }

    List<Result> reply(List<Request> batch, LocalModelJudge settings) {
      List<int[]> prompts = new ArrayList<>(batch.size());
      for (Request r : batch) {
        prompts.add(tokenizer.encode(settings.render(r)));
      }
      GenerationConfig config = GenerationConfig.builder()
          .setMaxNewTokens(settings.maxTokens)
          .optGreedy(true)
          .optStopTokenIds(tokenizer.stopTokenIds())
          .optPadTokenId(tokenizer.padTokenId())
          .build();
      try {
        return results(generator.generate(prompts, config));
      } catch (RuntimeException batchFailure) {
        if (batch.size() == 1) {
          System.err.println("longctx judge: a request failed, verdict error: " + batchFailure);
          return List.of(new Result(JudgeVerdict.ERROR, null));
        }
        List<Result> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
          out.addAll(reply(batch.subList(i, i + 1), settings));
        }
        return out;
      }
    }

    private List<Result> results(List<Generation> generations) {
      List<Result> out = new ArrayList<>(generations.size());
      for (Generation g : generations) {
        String reply = tokenizer.decode(g.responseIds(tokenizer.stopTokenIds()));
        out.add(new Result(JudgePrompt.parse(reply), reply));
      }
      return out;
    }

    @Override
    public void close() {
      model.close();
      tokenizer.close();
    }
  }

  @Override
  public String toString() {
    return "LocalModelJudge{" + modelDir + ", tokenizer=" + tokenizer.value() + ", template=" + chatTemplate
        + ", max-tokens=" + maxTokens + ", batch=" + batchSize + "}";
  }
}
