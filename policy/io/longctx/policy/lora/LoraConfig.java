package io.longctx.policy.lora;

import io.longctx.common.Check;
import io.longctx.common.ConfigException;
import io.longctx.policy.model.Projection;
import java.util.HashSet;
import java.util.List;

/**
 * The {@code policy.lora} config section: train a low-rank adapter beside frozen base weights instead of every
 * weight (PEFT's LoRA: {@code W x + (alpha / rank) B A dropout(x)}, A {@code [rank, in]} random, B {@code [out, rank]}
 * zero at the start, so the adapter starts as the identity change). Off by default.
 *
 * @param enabled train adapters in the {@code stages} below; false (the default) trains every weight
 * @param rank the adapter rank r (PEFT's {@code r})
 * @param alpha the scaling numerator: the adapter's output is multiplied by {@code alpha / rank}
 *     (PEFT's {@code lora_alpha})
 * @param dropout dropout on the adapter's input, during training updates only (PEFT's {@code lora_dropout})
 * @param targetModules which projections of every decoder layer get an adapter: any of {@code q_proj, k_proj,
 *     v_proj, o_proj, gate_proj, up_proj, down_proj} (PEFT's {@code target_modules})
 * @param stages the jobs that train the adapter: {@code sft} (warm-up SFT) and/or {@code train} (RL); a job not
 *     listed trains every weight (of the adapter merged into its base when it starts from an adapter checkpoint)
 */
public record LoraConfig(
    boolean enabled, int rank, double alpha, double dropout, List<String> targetModules, List<String> stages) {
  /** The stage name of warm-up SFT. */
  public static final String SFT = "sft";
  /** The stage name of RL ({@code longctx train}). */
  public static final String TRAIN = "train";

  public static LoraConfig defaults() {
    return new LoraConfig(false, 16, 32.0, 0.0, Projection.moduleNames(), List.of(SFT, TRAIN));
  }

  public void validate() {
    Check.positive("policy.lora.rank", rank);
    Check.positive("policy.lora.alpha", alpha);
    Check.range("policy.lora.dropout", dropout, 0.0, 0.99);
    requireSubset("policy.lora.target-modules", targetModules, Projection.moduleNames());
    requireSubset("policy.lora.stages", stages, List.of(SFT, TRAIN));
  }

  private static void requireSubset(String key, List<String> values, List<String> allowed) {
    if (values == null || values.isEmpty()) {
      throw new ConfigException(key, "must list at least one of " + allowed);
    }
    for (int i = 0; i < values.size(); i++) {
      Check.oneOf(key + "[" + i + "]", values.get(i), allowed);
    }
    if (new HashSet<>(values).size() != values.size()) {
      throw new ConfigException(key, "lists a value twice: " + values);
    }
  }

  /** Whether the job {@code stage} ({@link #SFT} or {@link #TRAIN}) trains an adapter. */
  public boolean appliesTo(String stage) {
    return enabled && stages.contains(stage);
  }

  /** The adapter's scaling {@code alpha / rank}. */
  public double scaling() {
    return alpha / rank;
  }

  /** The target projections, in layer order. */
  public List<Projection> targets() {
    return java.util.Arrays.stream(Projection.values()).filter(p -> targetModules.contains(p.moduleName())).toList();
  }
}
