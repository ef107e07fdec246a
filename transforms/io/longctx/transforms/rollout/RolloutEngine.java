package io.longctx.transforms.rollout;

import io.longctx.policy.generate.Generation;
import io.longctx.policy.generate.GenerationConfig;
import io.longctx.policy.generate.GroupRequest;
import java.util.List;

/**
 * Samples a partition's groups: the built-in engine (the policy cached in the executor JVM, continuous batching
 * through {@link io.longctx.policy.generate.GroupScheduler}) or an OpenAI-compatible server (one
 * {@code /v1/completions} request per group with {@code n} = the group size and the group's seed). Either way a
 * group's responses depend only on (prompt ids, seed, sampling settings, weights).
 */
public interface RolloutEngine {
  /**
   * @param sampleIds the groups' sample ids, for error messages
   * @param groups prompt ids, samples and seed of each group
   * @param sampling everything but the seed
   * @return per group, its generations in sample order
   */
  List<List<Generation>> generate(List<String> sampleIds, List<GroupRequest> groups, GenerationConfig sampling);
}
