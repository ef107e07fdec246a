package io.longctx.transforms.eval;

import io.longctx.policy.generate.GenerationConfig;
import io.longctx.policy.generate.GroupRequest;
import io.longctx.policy.tokenizer.Tokenizer;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.transforms.rollout.RolloutEngine;
import io.longctx.transforms.rollout.RolloutEngines;
import io.longctx.transforms.rollout.RolloutServer;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluation responses from an OpenAI-compatible server ({@code eval.rollout.backend: http}): prompts are tokenised
 * here and sent as token ids, one request per response with its own seed, through the rollout stage's HTTP engine
 * (its retries and concurrency limit).
 */
final class ServerResponseGenerator implements ResponseGenerator {
  private final RolloutEngine engine;
  private final Tokenizer tokenizer;

  private ServerResponseGenerator(RolloutEngine engine, Tokenizer tokenizer) {
    this.engine = engine;
    this.tokenizer = tokenizer;
  }

  record Loader(RolloutServer server, TokenizerSpec tokenizer) implements ResponseGenerator.Loader {
    @Override
    public String cacheKey() {
      return server.completionsUrl() + "|" + server.model() + "|" + tokenizer.value();
    }

    @Override
    public ResponseGenerator load() {
      return new ServerResponseGenerator(RolloutEngines.http(server), tokenizer.open());
    }
  }

  @Override
  public List<Generation> generate(List<String> prompts, List<Long> seeds, SamplingSettings settings) {
    GenerationConfig config = settings.generationConfig(tokenizer);
    List<GroupRequest> requests = new ArrayList<>(prompts.size());
    List<String> labels = new ArrayList<>(prompts.size());
    for (int i = 0; i < prompts.size(); i++) {
      requests.add(new GroupRequest(tokenizer.encode(prompts.get(i)), 1,
          seeds.isEmpty() ? settings.seed() : seeds.get(i)));
      labels.add("eval request " + i);
    }
    List<Generation> out = new ArrayList<>(prompts.size());
    for (List<io.longctx.policy.generate.Generation> one : engine.generate(labels, requests, config)) {
      io.longctx.policy.generate.Generation g = one.get(0);
      out.add(Generation.of(g, tokenizer));
    }
    return out;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
