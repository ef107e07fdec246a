package io.longctx.jobs.config;

import io.longctx.common.Check;

/**
 * The {@code sft} config section: warm-up supervised fine-tuning on verified reasoning traces whose prompts fit
 * the first curriculum phase. Paper: 3 epochs, LR 5e-6, batch 128.
 *
 * @param enabled the "no SFT" ablation switches it off: RL then starts from the initial model
 * @param maxSamples cap on the number of traces used (0 = all)
 */
public record SftConfig(boolean enabled, int epochs, int batchSize, double lr, int warmupSteps, int maxSamples) {

  public static SftConfig defaults() {
    return new SftConfig(true, 3, 128, 5e-6, 0, 0);
  }

  public void validate() {
    Check.positive("sft.epochs", epochs);
    Check.positive("sft.batch-size", batchSize);
    Check.positive("sft.lr", lr);
    Check.nonNegative("sft.warmup-steps", warmupSteps);
    Check.nonNegative("sft.max-samples", maxSamples);
  }
}
