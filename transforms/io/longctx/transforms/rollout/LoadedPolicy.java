package io.longctx.transforms.rollout;

import ai.djl.Device;
import io.longctx.policy.lora.AdapterCheckpoints;
import io.longctx.policy.lora.LoraAdapter;
import io.longctx.policy.model.Devices;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.tokenizer.ChatFormat;
import io.longctx.policy.tokenizer.Tokenizer;
import io.longctx.transforms.TaskDevices;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A policy loaded on an executor: the model (on the task's GPU or the CPU), its tokenizer and chat template.
 * One is cached per executor JVM ({@link #forSpec}) and replaced when the checkpoint's full weights change. A LoRA
 * checkpoint is an adapter over a base model: the base stays cached across steps and only the adapter (a few MB) is
 * read and swapped when the step's checkpoint changes.
 */
final class LoadedPolicy implements AutoCloseable {
  private static final ExecutorCache<LoadedPolicy> CACHE = new ExecutorCache<>();
  private static final AtomicInteger ADAPTER_LOADS = new AtomicInteger();

  final Qwen2Model model;
  final Tokenizer tokenizer;
  final ChatFormat template;
  private String adapterDir;
  private LoraAdapter adapter;

  private LoadedPolicy(Qwen2Model model, Tokenizer tokenizer, ChatFormat template) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.template = template;
  }

  /** The cached policy for {@code spec}'s checkpoint, loading its base model on first use in this JVM. */
  static LoadedPolicy forSpec(RolloutSpec spec) {
    Devices.setCpuThreads(spec.cpuThreads() > 0 ? spec.cpuThreads() : 1);
    Device device = Devices.resolve(TaskDevices.forTask(spec.device()));
    Path checkpoint = Path.of(spec.checkpointDir());
    Path base = AdapterCheckpoints.base(checkpoint).toAbsolutePath().normalize();
    String key = base + "@" + device + "#" + spec.tokenizer().value() + "#" + spec.chatTemplate().label();
    LoadedPolicy policy = CACHE.get(key, k -> new LoadedPolicy(
        Qwen2Model.load(base, device),
        spec.tokenizer().open(),
        spec.chatTemplate()));
    policy.useAdapterOf(checkpoint);
    return policy;
  }

  /** Attaches the adapter saved in {@code checkpoint} (none for a full checkpoint), reading it only when it changed. */
  private synchronized void useAdapterOf(Path checkpoint) {
    String wanted = AdapterCheckpoints.isAdapter(checkpoint) ? checkpoint.toString() : null;
    if (Objects.equals(wanted, adapterDir)) {
      return;
    }
    model.setAdapter(null);
    if (adapter != null) {
      adapter.close();
      adapter = null;
    }
    if (wanted != null) {
      adapter = AdapterCheckpoints.loadAdapter(checkpoint, model).attachTo(model);
      ADAPTER_LOADS.incrementAndGet();
    }
    adapterDir = wanted;
  }

  /** How many models this JVM has loaded: once per base checkpoint, not once per partition or per adapter. */
  static int loads() {
    return CACHE.loads();
  }

  /** How many LoRA adapters this JVM has read: once per adapter checkpoint, not once per partition. */
  static int adapterLoads() {
    return ADAPTER_LOADS.get();
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
  }
}
