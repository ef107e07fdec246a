package io.longctx.transforms.rollout;

import io.longctx.policy.tokenizer.ChatFormat;
import io.longctx.policy.tokenizer.TokenizerSpec;
import java.io.Serializable;

/**
 * Everything an executor needs to sample one step's responses, shipped with the task: which checkpoint to load,
 * how to tokenise and template prompts, and how to sample.
 *
 * @param checkpointDir Hugging Face model directory of the policy that samples (the step's starting weights)
 * @param chatTemplate how prompts are rendered (resolved on the driver: an embedded format or the model's own template)
 * @param device {@code auto}, {@code cpu} or {@code gpu}; with {@code auto} a GPU that Spark assigned to the
 *     task is used, else the CPU
 * @param groupSize G responses per prompt
 * @param seed with (step, sample_id, response index) it fixes every sampled token, whatever the partitioning
 * @param cpuThreads PyTorch intra-op threads per task on a CPU executor; 0 = 1, since Spark already runs one task
 *     per core and more threads per task oversubscribe the cores
 * @param rowBudget most sequences a task decodes at once (continuous batching over the partition's groups)
 * @param server the inference server to request the rollouts from; {@code null} samples with the built-in engine on
 *     the executors
 */
public record RolloutSpec(
    String checkpointDir,
    TokenizerSpec tokenizer,
    ChatFormat chatTemplate,
    String device,
    int groupSize,
    int maxNewTokens,
    double temperature,
    double topP,
    int topK,
    long seed,
    long step,
    int cpuThreads,
    int rowBudget,
    RolloutServer server)
    implements Serializable {

  /** A spec for the built-in engine. */
  public RolloutSpec(String checkpointDir, TokenizerSpec tokenizer, ChatFormat chatTemplate, String device,
      int groupSize, int maxNewTokens, double temperature, double topP, int topK, long seed, long step,
      int cpuThreads, int rowBudget) {
    this(checkpointDir, tokenizer, chatTemplate, device, groupSize, maxNewTokens, temperature, topP, topK, seed, step,
        cpuThreads, rowBudget, null);
  }
}
