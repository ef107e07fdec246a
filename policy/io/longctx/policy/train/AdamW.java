package io.longctx.policy.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.longctx.policy.PolicyException;
import io.longctx.policy.safetensors.SafetensorsReader;
import io.longctx.policy.safetensors.SafetensorsWriter;
import io.longctx.policy.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW with decoupled weight decay, computing exactly what {@code torch.optim.AdamW} (single-tensor path, no
 * amsgrad) computes:
 *
 * <pre>
 *   t += 1
 *   p *= 1 - lr * weight_decay
 *   m  = beta1 * m + (1 - beta1) * g
 *   v  = beta2 * v + (1 - beta2) * g^2
 *   p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * Parameters are updated in place (call outside a {@code GradientCollector}). The moments live in this object's
 * own NDManager and are keyed by parameter name; {@link #save} / {@link #load} persist them with the step count
 * for resumable training. Close it to free the moments. Not thread-safe.
 */
public final class AdamW implements AutoCloseable {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final NDManager manager;
  private final Map<String, NDArray> expAvg = new LinkedHashMap<>();
  private final Map<String, NDArray> expAvgSq = new LinkedHashMap<>();
  private long step;

  private AdamW(Builder b) {
    this.beta1 = b.beta1;
    this.beta2 = b.beta2;
    this.eps = b.eps;
    this.weightDecay = b.weightDecay;
    this.manager = NDManager.newBaseManager();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Updates already applied (torch's {@code state['step']}). */
  public long stepCount() {
    return step;
  }

  /**
   * One update of every parameter that has a gradient in {@code grads}, with learning rate {@code lr}.
   *
   * @param params parameters by name, updated in place
   * @param grads gradients by the same names (a parameter without one is left alone, as torch skips
   *     parameters whose grad is None)
   */
  public void step(Map<String, NDArray> params, Map<String, NDArray> grads, double lr) {
    step++;
    double bc1 = 1 - Math.pow(beta1, step);
    double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
    double stepSize = lr / bc1;
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      NDArray g = grads.get(e.getKey());
      if (g != null) {
        update(e.getKey(), e.getValue(), g, lr, stepSize, bc2Sqrt);
      }
    }
  }

  private void update(String name, NDArray p, NDArray g, double lr, double stepSize, double bc2Sqrt) {
    NDArray m = expAvg.computeIfAbsent(name, k -> zerosLike(p));
    NDArray v = expAvgSq.computeIfAbsent(name, k -> zerosLike(p));
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      if (weightDecay != 0) {
        p.muli((float) (1 - lr * weightDecay));
      }
      m.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
      v.muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
      NDArray denom = v.sqrt().divi((float) bc2Sqrt).addi((float) eps);
      p.subi(m.div(denom).muli((float) stepSize));
    }
  }

  private NDArray zerosLike(NDArray p) {
    NDArray z = manager.zeros(p.getShape(), DataType.FLOAT32, p.getDevice());
    NDScope.unregister(z); // state outlives any scope the caller opened around step()
    return z;
  }

  /** The first moment of a parameter, or null before its first update (for inspection and tests). */
  public NDArray expAvg(String name) {
    return expAvg.get(name);
  }

  /** Writes the step count and both moments of every parameter to a safetensors file. */
  public void save(Path file) throws IOException {
    Map<String, NDArray> tensors = new LinkedHashMap<>();
    for (String name : expAvg.keySet()) {
      tensors.put("exp_avg." + name, expAvg.get(name));
      tensors.put("exp_avg_sq." + name, expAvgSq.get(name));
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "longctx-adamw-v1");
    meta.put("step", Long.toString(step));
    meta.put("betas", beta1 + "," + beta2);
    meta.put("eps", Double.toString(eps));
    meta.put("weight_decay", Double.toString(weightDecay));
    try {
      SafetensorsWriter.write(file, tensors, DataType.FLOAT32, meta);
    } catch (PolicyException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * Replaces this optimizer's state with the one saved in {@code file}. Every saved moment must name a parameter
   * of {@code params} with the same shape; anything else is an error naming the tensor.
   */
  public void load(Path file, Map<String, NDArray> params) {
    SafetensorsReader c;
    try {
      c = SafetensorsReader.open(file);
    } catch (PolicyException e) {
      throw TrainErrors.unreadableState(file, e.getMessage());
    }
    if (!"longctx-adamw-v1".equals(c.metadata().get("format")) || c.metadata().get("step") == null) {
      throw TrainErrors.unreadableState(file, "its metadata has no format longctx-adamw-v1 and step");
    }
    Map<String, NDArray> m = new LinkedHashMap<>();
    Map<String, NDArray> v = new LinkedHashMap<>();
    for (Map.Entry<String, TensorInfo> e : c.tensors().entrySet()) {
      String key = e.getKey();
      boolean first = key.startsWith("exp_avg.");
      String name = key.substring(first ? "exp_avg.".length() : "exp_avg_sq.".length());
      NDArray p = params.get(name);
      if (p == null || !(first || key.startsWith("exp_avg_sq."))) {
        throw TrainErrors.stateMismatch(file, "tensor " + key + " matches no parameter of the model");
      }
      Shape shape = e.getValue().shape();
      if (!shape.equals(p.getShape())) {
        throw TrainErrors.stateMismatch(
            file, "tensor " + key + " has shape " + shape + " but the parameter has " + p.getShape());
      }
      NDArray a = readFloat32(c, file, key).toDevice(p.getDevice(), false);
      NDScope.unregister(a);
      (first ? m : v).put(name, a);
    }
    if (!m.keySet().equals(v.keySet())) {
      throw TrainErrors.stateMismatch(file, "first and second moments name different parameters");
    }
    expAvg.values().forEach(NDArray::close);
    expAvgSq.values().forEach(NDArray::close);
    expAvg.clear();
    expAvgSq.clear();
    expAvg.putAll(m);
    expAvgSq.putAll(v);
    step = Long.parseLong(c.metadata().get("step"));
  }

  private NDArray readFloat32(SafetensorsReader reader, Path file, String key) {
    try {
      return reader.readFloat32(key, manager);
    } catch (PolicyException e) {
      throw TrainErrors.unreadableState(file, e.getMessage());
    }
  }

  @Override
  public void close() {
    manager.close();
  }

  /** Builder; defaults are torch's except weight decay 0.01 (torch's AdamW default too). */
  public static final class Builder {
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;
    private double weightDecay = 0.01;

    private Builder() {}

    public Builder optBetas(double b1, double b2) {
      this.beta1 = TrainErrors.requireRange("beta1", b1, 0.0, 0.999999);
      this.beta2 = TrainErrors.requireRange("beta2", b2, 0.0, 0.999999999);
      return this;
    }

    public Builder optEps(double v) {
      this.eps = TrainErrors.requireRange("eps", v, 0.0, 1.0);
      return this;
    }

    public Builder optWeightDecay(double v) {
      this.weightDecay = TrainErrors.requireRange("weight-decay", v, 0.0, 1.0);
      return this;
    }

    public AdamW build() {
      return new AdamW(this);
    }
  }
}
