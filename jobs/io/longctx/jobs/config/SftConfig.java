package io.longctx.jobs.config;

import io.longctx.common.Check;
import io.longctx.common.ConfigException;
import io.longctx.curriculum.CurriculumConfig;
import java.util.List;

/**
 * The {@code sft} config section: warm-up supervised fine-tuning on verified reasoning traces whose prompts fit
 * the first curriculum phase. Paper: 3 epochs, LR 5e-6, batch 128.
 *
 * @param enabled the "no SFT" ablation switches it off: RL then starts from the initial model
 * @param maxSamples cap on the number of traces used (0 = all)
 * @param questionLoss also train on the prompt text after the document (question and answer format), not only
 *     the trace: a model trained from scratch learns to copy the asked entity from the document sooner. Off in
 *     the paper's setting (a pretrained model needs no such help)
 * @param maxInputTokens prompt-length cap of the SFT samples; 0 (the paper) = the first curriculum phase's cap. A
 *     model trained from scratch has never seen longer positions, so the embedded default fine-tunes on every
 *     length it will be evaluated on
 * @param schedule {@code constant} (the default) or {@code cosine}: after {@code warmup-steps}, the rate decays
 *     over all of SFT's updates (every epoch's batches) to {@code min-lr-ratio x lr}. A model trained from
 *     scratch at a large rate ends noisy under a constant rate; the decay lets the last epoch settle
 * @param minLrRatio floor of the cosine schedule as a fraction of {@code lr}
 * @param epochCaps a length curriculum inside SFT: the prompt-length cap of epoch 1, 2, ...; the last entry holds
 *     for any later epoch (so {@code --set sft.epochs=N} works with any list) and every cap is bounded by
 *     {@link #cap}; empty (the default) = {@link #cap} for every epoch. A model trained from scratch learns to find
 *     the answer sooner on short documents, then carries it to the long ones
 */
public record SftConfig(
    boolean enabled, int epochs, int batchSize, double lr, int warmupSteps, int maxSamples, boolean questionLoss,
    int maxInputTokens, String schedule, double minLrRatio, List<Integer> epochCaps) {

  public static SftConfig defaults() {
    return new SftConfig(true, 3, 128, 5e-6, 0, 0, false, 0, "constant", 0.1, List.of());
  }

  /** The prompt-length cap of the SFT samples: {@code max-input-tokens}, or the first phase's cap when it is 0. */
  public int cap(CurriculumConfig curriculum) {
    return maxInputTokens > 0 ? maxInputTokens : curriculum.phases().get(0).maxInputTokens();
  }

  /**
   * The prompt-length cap of epoch {@code epoch} (1-based): its {@code epoch-caps} entry (the last one past the end
   * of the list), never above {@link #cap}.
   */
  public int epochCap(CurriculumConfig curriculum, long epoch) {
    int cap = cap(curriculum);
    if (epochCaps.isEmpty()) {
      return cap;
    }
    return Math.min(cap, epochCaps.get((int) Math.min(epoch, epochCaps.size()) - 1));
  }

  public void validate() {
    Check.positive("sft.epochs", epochs);
    Check.positive("sft.batch-size", batchSize);
    Check.positive("sft.lr", lr);
    Check.nonNegative("sft.warmup-steps", warmupSteps);
    Check.nonNegative("sft.max-samples", maxSamples);
    Check.nonNegative("sft.max-input-tokens", maxInputTokens);
    Check.oneOf("sft.schedule", schedule, List.of("constant", "cosine"));
    Check.range("sft.min-lr-ratio", minLrRatio, 0.0, 1.0);
    if (epochCaps == null) {
      throw new ConfigException("sft.epoch-caps", "must be a list of prompt-length caps, one per epoch ([] = none)");
    }
    for (int i = 0; i < epochCaps.size(); i++) {
      if (epochCaps.get(i) == null) {
        throw new ConfigException("sft.epoch-caps[" + i + "]", "must be a number of tokens > 0");
      }
      Check.positive("sft.epoch-caps[" + i + "]", epochCaps.get(i));
    }
  }
}
