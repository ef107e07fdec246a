package io.longctx.policy.model;

/**
 * The dense decoder families {@link Qwen2Model} runs, by their Hugging Face architecture and {@code model_type}.
 * They share the layer layout (RMSNorm, grouped-query attention with RoPE, SwiGLU MLP) and differ in the attention
 * projections only.
 */
public enum ModelFamily {
  /** {@code Qwen2ForCausalLM}: biases on the q/k/v projections, none on o_proj. */
  QWEN2("Qwen2ForCausalLM", "qwen2"),
  /**
   * {@code Qwen3ForCausalLM}: a per-head RMSNorm of q and of k ({@code q_norm}, {@code k_norm}, weights of
   * {@code [head_dim]}) before RoPE; biases on q/k/v/o only when {@code attention_bias} is true.
   */
  QWEN3("Qwen3ForCausalLM", "qwen3");

  private final String architecture;
  private final String modelType;

  ModelFamily(String architecture, String modelType) {
    this.architecture = architecture;
    this.modelType = modelType;
  }

  /** The {@code architectures} entry of config.json. */
  public String architecture() {
    return architecture;
  }

  /** The {@code model_type} of config.json. */
  public String modelType() {
    return modelType;
  }

  /** Whether q and k are RMS-normalised per head before the rotary embedding. */
  public boolean qkNorm() {
    return this == QWEN3;
  }

  /** The family of this {@code architectures} entry, or {@code null}. */
  static ModelFamily byArchitecture(String architecture) {
    for (ModelFamily f : values()) {
      if (f.architecture.equals(architecture)) {
        return f;
      }
    }
    return null;
  }

  /** The family of this {@code model_type}, or {@code null}. */
  static ModelFamily byModelType(String modelType) {
    for (ModelFamily f : values()) {
      if (f.modelType.equals(modelType)) {
        return f;
      }
    }
    return null;
  }
}
