package io.longctx.policy.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;

/**
 * Qwen2ForCausalLM and Qwen3ForCausalLM (dense) in DJL NDArray ops: token embedding, RMSNorm, rotary embeddings with
 * explicit position ids, grouped-query attention (chunked over queries; q/k/v biases for Qwen2, per-head q/k RMSNorm
 * before the rotation for Qwen3; {@link ModelFamily}), SwiGLU MLP, tied or untied LM head.
 * Everything is differentiable through PyTorch autograd: call it inside a {@code GradientCollector} after
 * {@code setRequiresGradient(true)} on {@link #parameters()} to train.
 *
 * <p>Parameters are float32 NDArrays named exactly as the Hugging Face tensors and owned by the model's manager;
 * an optimizer updates them in place. Forward intermediates are released when the call returns; the returned
 * array is attached to the manager of the {@code inputIds} argument; inputs must be on the model's device.
 * Inference calls only read the parameters; training and {@link #setAttentionChunk} must not run concurrently
 * with other calls (concurrent inference is not covered by tests).
 */
public final class Qwen2Model implements AutoCloseable {
  /** Default number of query positions per attention chunk. */
  public static final int DEFAULT_ATTENTION_CHUNK = 512;

  private final Qwen2Config config;
  private final NDManager manager;
  private final Map<String, NDArray> parameters;
  private final Rope rope;
  private final LayerWeights[] layers;
  private final NDArray embed;
  private final NDArray finalNorm;
  private final NDArray head;
  private int attentionChunk = DEFAULT_ATTENTION_CHUNK;
  private boolean fusedAttention = !"chunked".equals(System.getProperty("longctx.attention"));
  private volatile ProjectionAdapter adapter;

  Qwen2Model(Qwen2Config config, NDManager manager, Map<String, NDArray> parameters) {
    this.config = config;
    this.manager = manager;
    this.parameters = Collections.unmodifiableMap(parameters);
    this.rope = new Rope(config, manager);
    this.layers = new LayerWeights[config.numHiddenLayers()];
    for (int i = 0; i < layers.length; i++) {
      layers[i] = LayerWeights.of(parameters, i);
    }
    this.embed = parameters.get(ParameterNames.EMBED);
    this.finalNorm = parameters.get(ParameterNames.NORM);
    this.head = config.tieWordEmbeddings() ? embed : parameters.get(ParameterNames.LM_HEAD);
  }

  /** Loads a Hugging Face model directory ({@code config.json} + safetensors, single or sharded). */
  public static Qwen2Model load(Path dir, Device device) {
    return Checkpoints.load(dir, device);
  }

  /** A randomly initialised model (normal(0, 0.02) weights, zero biases, unit norms), deterministic from the seed. */
  public static Qwen2Model random(Qwen2Config config, long seed, Device device) {
    return Checkpoints.random(config, seed, device);
  }

  /** Writes {@code config.json}, {@code generation_config.json} and {@code model.safetensors} into {@code dir}. */
  public void save(Path dir) {
    save(dir, DataType.FLOAT32);
  }

  /** As {@link #save(Path)} with the tensors stored as float32, bfloat16 or float16. */
  public void save(Path dir, DataType dtype) {
    Checkpoints.save(this, dir, dtype);
  }

  public Qwen2Config config() {
    return config;
  }

  public Device device() {
    return manager.getDevice();
  }

  /** The manager owning the parameters; create inputs on a sub-manager of it (or on the same device). */
  public NDManager manager() {
    return manager;
  }

  /** All parameters in Hugging Face order and naming; the tied head has no separate entry. */
  public Map<String, NDArray> parameters() {
    return parameters;
  }

  /** Sets the query chunk size of attention (positions per chunk); smaller bounds prefill memory tighter. */
  public Qwen2Model setAttentionChunk(int chunk) {
    if (chunk <= 0) {
      throw new IllegalArgumentException("attention chunk must be > 0, got " + chunk);
    }
    this.attentionChunk = chunk;
    return this;
  }

  /**
   * Whether unpadded prefill and training use PyTorch's fused attention kernel (default; the system property
   * {@code longctx.attention=chunked} turns it off for a JVM). Padded batches and cached decoding always use the
   * chunked attention.
   */
  public Qwen2Model setFusedAttention(boolean fused) {
    this.fusedAttention = fused;
    return this;
  }

  public boolean fusedAttention() {
    return fusedAttention;
  }

  public int attentionChunk() {
    return attentionChunk;
  }

  /**
   * Attaches an adapter (e.g. LoRA) whose delta is added to the linear projections' outputs from the next call on,
   * or detaches it ({@code null}). The model does not own it: closing or replacing it is the caller's business.
   */
  public Qwen2Model setAdapter(ProjectionAdapter projectionAdapter) {
    this.adapter = projectionAdapter;
    return this;
  }

  /** The attached adapter, or {@code null}. */
  public ProjectionAdapter adapter() {
    return adapter;
  }

  /** A KV cache for {@code batch} sequences of up to {@code capacity} positions, allocated on {@code manager}. */
  public KvCache newCache(int batch, int capacity, NDManager manager) {
    return new KvCache(config, batch, capacity, manager);
  }

  /** A cache of {@code slots} independent rows of up to {@code capacity} positions each, for {@link #decode}. */
  public RowKvCache newRowCache(int slots, int capacity, NDManager manager) {
    return new RowKvCache(config, slots, capacity, manager);
  }

  /** Logits for {@code inputIds [B, L]} at positions {@code 0..L-1}, no padding, no cache. */
  public NDArray forward(NDArray inputIds) {
    return forward(inputIds, null, null, null);
  }

  /**
   * Logits {@code [B, L, vocab]} (float32).
   *
   * @param inputIds {@code [B, L]} token ids (int32 or int64)
   * @param positionIds {@code [B, L]} rotary positions, or {@code null} for {@code past..past+L-1}
   * @param attentionMask {@code [B, past + L]}, 1 for real tokens and 0 for padding, or {@code null}
   * @param cache past keys/values to attend to and extend, or {@code null}
   */
  public NDArray forward(NDArray inputIds, NDArray positionIds, NDArray attentionMask, KvCache cache) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray hidden = hiddenStatesInScope(inputIds, positionIds, attentionMask, cache);
      NDArray logits = Linear.linear(hidden, head).singletonOrThrow();
      return escape(logits, inputIds.getManager());
    }
  }

  /** Final hidden states {@code [B, L, hidden]} after the last RMSNorm; same arguments as {@link #forward}. */
  public NDArray hiddenStates(NDArray inputIds, NDArray positionIds, NDArray attentionMask, KvCache cache) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      return escape(hiddenStatesInScope(inputIds, positionIds, attentionMask, cache), inputIds.getManager());
    }
  }

  /** Projects hidden states {@code [..., hidden]} to logits {@code [..., vocab]}. */
  public NDArray logits(NDArray hidden) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      return escape(Linear.linear(hidden, head).singletonOrThrow(), hidden.getManager());
    }
  }

  private static NDArray escape(NDArray out, NDManager target) {
    NDScope.unregister(out);
    out.attach(target);
    return out;
  }

  private NDArray hiddenStatesInScope(NDArray inputIds, NDArray positionIds, NDArray attentionMask, KvCache cache) {
    Shape s = inputIds.getShape();
    if (s.dimension() != 2) {
      throw new IllegalArgumentException("inputIds must be [batch, length], got " + s);
    }
    long batch = s.get(0);
    int length = Math.toIntExact(s.get(1));
    int past = cache == null ? 0 : cache.length();
    if (cache != null && cache.batchSize() != batch) {
      throw new IllegalArgumentException("cache batch " + cache.batchSize() + " != input batch " + batch);
    }
    NDArray positions = positionIds != null
        ? positionIds
        : manager.arange(past, past + length, 1, DataType.INT32).reshape(1, length).broadcast(batch, length);
    NDList cosSin = rope.cosSin(positions);
    NDArray padBias = null;
    // an all-ones mask pads nothing: dropping it lets the fused kernel run. Only asked where that kernel could
    // apply (a prefill), so cached decoding does not pay a device reduction per step
    boolean fusable = fusedAttention && past == 0 && length > 1;
    if (attentionMask != null && !(fusable && attentionMask.min().getInt() == 1)) {
      padBias = attentionMask.toType(DataType.FLOAT32, false).sub(1f).mul(-Attention.MASKED)
          .reshape(batch, 1, 1, 1, past + length);
    }
    NDArray x = layers(Embedding.embedding(inputIds, embed, SparseFormat.DENSE).singletonOrThrow(), cosSin, padBias,
        cache, past);
    if (cache != null) {
      cache.advance(length);
    }
    return rmsNorm(x, finalNorm);
  }

  /**
   * One decode step of continuous batching: logits {@code [slots, vocab]} for one new token per slot of
   * {@code cache} ({@code inputIds [slots]} or {@code [slots, 1]}), each at its own row's next position. Free slots
   * compute on whatever id they are given; their logits mean nothing. Appends the new keys and values.
   */
  public NDArray decode(NDArray inputIds, RowKvCache cache) {
    long slots = inputIds.getShape().get(0);
    if (slots != cache.slots() || inputIds.getShape().size() != slots) {
      throw new IllegalArgumentException(
          "decode takes one id per cache slot (" + cache.slots() + "), got " + inputIds.getShape());
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      int[] positions = cache.beginStep();
      NDArray ids = inputIds.reshape(slots, 1);
      NDList cosSin = rope.cosSin(manager.create(positions, new Shape(slots, 1)));
      NDArray bias = cache.stepBias(manager);
      NDArray x = layers(Embedding.embedding(ids, embed, SparseFormat.DENSE).singletonOrThrow(), cosSin, bias, cache,
          cache.stepKeys() - 1);
      cache.advance();
      NDArray logits = Linear.linear(rmsNorm(x, finalNorm), head).singletonOrThrow().reshape(slots, -1);
      return escape(logits, inputIds.getManager());
    }
  }

  private NDArray layers(NDArray x, NDList cosSin, NDArray padBias, KvStore cache, int past) {
    for (int i = 0; i < layers.length; i++) {
      try (NDScope layerScope = new NDScope()) {
        layerScope.suppressNotUsedWarning();
        NDArray next = layer(layers[i], i, x, cosSin, padBias, cache, past);
        NDScope.unregister(next);
        x = next;
      }
      NDScope.register(x);
    }
    return x;
  }

  private NDArray layer(
      LayerWeights w, int index, NDArray x, NDList cosSin, NDArray padBias, KvStore cache, int past) {
    long batch = x.getShape().get(0);
    long length = x.getShape().get(1);
    int heads = config.numAttentionHeads();
    int kvHeads = config.numKeyValueHeads();
    int headDim = config.headDim();
    NDArray h = rmsNorm(x, w.inputNorm());
    NDArray q = project(index, Projection.Q_PROJ, h, w.qW(), w.qB()).reshape(batch, length, heads, headDim);
    NDArray k = project(index, Projection.K_PROJ, h, w.kW(), w.kB()).reshape(batch, length, kvHeads, headDim);
    NDArray v = project(index, Projection.V_PROJ, h, w.vW(), w.vB()).reshape(batch, length, kvHeads, headDim);
    if (w.qNorm() != null) { // Qwen3: per-head RMSNorm of q and k before the rotation
      q = rmsNorm(q, w.qNorm());
      k = rmsNorm(k, w.kNorm());
    }
    q = rope.apply(q, cosSin.get(0), cosSin.get(1)).transpose(0, 2, 1, 3);
    k = rope.apply(k, cosSin.get(0), cosSin.get(1)).transpose(0, 2, 1, 3);
    v = v.transpose(0, 2, 1, 3);
    if (cache != null) {
      NDArray[] kvAll = cache.append(index, k, v);
      k = kvAll[0];
      v = kvAll[1];
    }
    NDArray attn = Attention.attend(q, k, v, padBias, past, attentionChunk, fusedAttention)
        .transpose(0, 2, 1, 3)
        .reshape(batch, length, (long) heads * headDim);
    x = x.add(project(index, Projection.O_PROJ, attn, w.oW(), w.oB()));
    h = rmsNorm(x, w.postNorm());
    NDArray gate = project(index, Projection.GATE_PROJ, h, w.gateW(), null);
    NDArray up = project(index, Projection.UP_PROJ, h, w.upW(), null);
    NDArray act = gate.mul(Activation.sigmoid(gate)).mul(up);
    return x.add(project(index, Projection.DOWN_PROJ, act, w.downW(), null));
  }

  /** {@code x W^T + b}, plus the attached adapter's delta for this projection when it has one. */
  private NDArray project(int layer, Projection p, NDArray x, NDArray weight, NDArray bias) {
    NDArray y = (bias == null ? Linear.linear(x, weight) : Linear.linear(x, weight, bias)).singletonOrThrow();
    ProjectionAdapter a = adapter;
    NDArray delta = a == null ? null : a.delta(layer, p, x);
    return delta == null ? y : y.add(delta);
  }

  private NDArray rmsNorm(NDArray x, NDArray weight) {
    NDArray variance = x.square().mean(new int[] {-1}, true);
    return x.div(variance.add((float) config.rmsNormEps()).sqrt()).mul(weight);
  }

  @Override
  public void close() {
    manager.close();
  }
}
