package io.longctx.policy.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.pytorch.jni.JniUtils;
import io.longctx.policy.model.Projection;
import io.longctx.policy.model.ProjectionAdapter;
import io.longctx.policy.model.Qwen2Config;
import io.longctx.policy.model.Qwen2Model;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A LoRA adapter over a {@link Qwen2Model}: for every targeted projection of every layer, {@code A [rank, in]} and
 * {@code B [out, rank]}, adding {@code scaling * B A dropout(x)} to the projection's output (PEFT's
 * {@code LoraLayer}, unmerged). Dropout applies only while gradients are recorded (a training update), never in
 * rollouts, scoring or evaluation.
 *
 * <p>The tensors are float32, named as PEFT saves them ({@code base_model.model.model.layers.N.self_attn.q_proj
 * .lora_A.weight}), live on the model's device in a sub-manager of the model's manager (closed with the adapter, or
 * with the model), and are exposed by {@link #parameters()} for a trainer to update in place. Attach with
 * {@link #attachTo}; the base weights are never modified except by the explicit {@link #mergeInto}.
 */
public final class LoraAdapter implements ProjectionAdapter, AutoCloseable {
  private static final int PROJECTIONS = Projection.values().length;

  private final LoraConfig config;
  private final float scaling;
  private final NDManager manager;
  private final Map<String, NDArray> parameters;
  private final NDArray[] a;
  private final NDArray[] b;
  private volatile double dropout;

  LoraAdapter(LoraConfig config, double scaling, int layers, NDManager manager, Map<String, NDArray> parameters) {
    this.config = config;
    this.scaling = (float) scaling;
    this.manager = manager;
    this.parameters = Collections.unmodifiableMap(parameters);
    this.dropout = config.dropout();
    this.a = new NDArray[layers * PROJECTIONS];
    this.b = new NDArray[layers * PROJECTIONS];
    for (int layer = 0; layer < layers; layer++) {
      for (Projection p : config.targets()) {
        a[layer * PROJECTIONS + p.ordinal()] = parameters.get(tensorName(layer, p, "lora_A"));
        b[layer * PROJECTIONS + p.ordinal()] = parameters.get(tensorName(layer, p, "lora_B"));
      }
    }
  }

  /**
   * A fresh adapter for {@code model} as PEFT initialises one: A uniform in {@code +-1/sqrt(in)} (kaiming-uniform
   * with {@code a = sqrt(5)}), B zero, so the adapted model starts equal to the base. Deterministic from the seed.
   */
  public static LoraAdapter create(LoraConfig config, Qwen2Model model, long seed) {
    Qwen2Config c = model.config();
    NDManager manager = model.manager().newSubManager();
    SplittableRandom root = new SplittableRandom(seed);
    Map<String, NDArray> params = new LinkedHashMap<>();
    for (int layer = 0; layer < c.numHiddenLayers(); layer++) {
      for (Projection p : config.targets()) {
        long[] outIn = p.shape(c);
        SplittableRandom rng = root.split();
        int n = Math.toIntExact((long) config.rank() * outIn[1]);
        float[] values = new float[n];
        double bound = 1.0 / Math.sqrt(outIn[1]);
        for (int i = 0; i < n; i++) {
          values[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        params.put(tensorName(layer, p, "lora_A"), manager.create(values, new Shape(config.rank(), outIn[1])));
        params.put(tensorName(layer, p, "lora_B"), manager.zeros(new Shape(outIn[0], config.rank())));
      }
    }
    return new LoraAdapter(config, config.scaling(), c.numHiddenLayers(), manager, params);
  }

  /** PEFT's name of a LoRA tensor: {@code base_model.model.<projection weight path minus .weight>.<kind>.weight}. */
  public static String tensorName(int layer, Projection p, String kind) {
    String w = p.weightName(layer);
    return "base_model.model." + w.substring(0, w.length() - ".weight".length()) + "." + kind + ".weight";
  }

  /** Attaches this adapter to {@code model} (replacing any other); returns this. */
  public LoraAdapter attachTo(Qwen2Model model) {
    model.setAdapter(this);
    return this;
  }

  /** Rank, alpha, dropout and targets of this adapter ({@code enabled} true). */
  public LoraConfig config() {
    return new LoraConfig(true, config.rank(), config.alpha(), dropout, config.targetModules(), config.stages());
  }

  /** The factor applied to {@code B A x}: {@code alpha / rank} (or {@code alpha / sqrt(rank)} for rsLoRA adapters). */
  public double scaling() {
    return scaling;
  }

  /** Sets the training-time dropout on the adapter's input (0 = none). */
  public void setDropout(double rate) {
    this.dropout = rate;
  }

  /** The adapter's tensors by PEFT name, in layer and projection order, A before B. */
  public Map<String, NDArray> parameters() {
    return parameters;
  }

  /** How many numbers the adapter holds. */
  public long size() {
    return parameters.values().stream().mapToLong(p -> p.getShape().size()).sum();
  }

  @Override
  public NDArray delta(int layer, Projection p, NDArray x) {
    int i = layer * PROJECTIONS + p.ordinal();
    NDArray ai = a[i];
    if (ai == null) {
      return null;
    }
    double rate = dropout;
    NDArray in = rate > 0 && JniUtils.isGradMode() ? Dropout.dropout(x, (float) rate, true).singletonOrThrow() : x;
    // scaled at rank width: r numbers per token instead of out
    return Linear.linear(Linear.linear(in, ai).singletonOrThrow().mul(scaling), b[i]).singletonOrThrow();
  }

  /** Adds {@code scaling * B A} to each targeted weight of {@code weights} (a model's parameters), in place. */
  public void mergeInto(Map<String, NDArray> weights) {
    int layers = a.length / PROJECTIONS;
    for (int layer = 0; layer < layers; layer++) {
      for (Projection p : config.targets()) {
        int i = layer * PROJECTIONS + p.ordinal();
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          weights.get(p.weightName(layer)).addi(b[i].matMul(a[i]).muli(scaling));
        }
      }
    }
  }

  /** Writes {@code adapter_config.json} and {@code adapter_model.safetensors} into {@code dir} (PEFT's layout). */
  public void save(Path dir, String baseModel) {
    PeftFormat.write(this, dir, baseModel);
  }

  @Override
  public void close() {
    manager.close();
  }
}
