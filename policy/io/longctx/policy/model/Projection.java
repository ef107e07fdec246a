package io.longctx.policy.model;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The linear projections of a decoder layer, by their Hugging Face module names ({@code q_proj}, ...) and paths
 * inside the layer ({@code self_attn.q_proj}). An {@link ProjectionAdapter} is asked for a delta on each of them.
 */
public enum Projection {
  Q_PROJ("self_attn.q_proj"),
  K_PROJ("self_attn.k_proj"),
  V_PROJ("self_attn.v_proj"),
  O_PROJ("self_attn.o_proj"),
  GATE_PROJ("mlp.gate_proj"),
  UP_PROJ("mlp.up_proj"),
  DOWN_PROJ("mlp.down_proj");

  private final String path;

  Projection(String path) {
    this.path = path;
  }

  /** The module name as PEFT's {@code target_modules} lists it: {@code q_proj}, ..., {@code down_proj}. */
  public String moduleName() {
    return path.substring(path.indexOf('.') + 1);
  }

  /** The module path inside a decoder layer: {@code self_attn.q_proj}, {@code mlp.down_proj}. */
  public String path() {
    return path;
  }

  /** The Hugging Face name of this projection's weight in layer {@code layer}. */
  public String weightName(int layer) {
    return ParameterNames.layer(layer) + path + ".weight";
  }

  /** {@code [out, in]} of the projection's weight under {@code config}. */
  public long[] shape(Qwen2Config config) {
    return ParameterNames.shape(config, weightName(0));
  }

  /** The projection with this module name, if any. */
  public static Optional<Projection> byModuleName(String name) {
    return Arrays.stream(values()).filter(p -> p.moduleName().equals(name)).findFirst();
  }

  /** Every module name, in layer order. */
  public static List<String> moduleNames() {
    return Arrays.stream(values()).map(Projection::moduleName).toList();
  }
}
