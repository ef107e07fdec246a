package io.longctx.transforms.rollout;

import ai.djl.Device;
import io.longctx.policy.model.Devices;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.tokenizer.ChatFormat;
import io.longctx.policy.tokenizer.Tokenizer;
import io.longctx.transforms.TaskDevices;
import java.nio.file.Path;

/**
 * A policy loaded on an executor: the model (on the task's GPU or the CPU), its tokenizer and chat template.
 * One is cached per executor JVM ({@link #forSpec}) and replaced when the checkpoint changes.
 */
final class LoadedPolicy implements AutoCloseable {
  private static final ExecutorCache<LoadedPolicy> CACHE = new ExecutorCache<>();

  final Qwen2Model model;
  final Tokenizer tokenizer;
  final ChatFormat template;

  private LoadedPolicy(Qwen2Model model, Tokenizer tokenizer, ChatFormat template) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.template = template;
  }

  /** The cached policy for {@code spec}'s checkpoint, loading it on first use in this JVM. */
  static LoadedPolicy forSpec(RolloutSpec spec) {
    Devices.setCpuThreads(spec.cpuThreads() > 0 ? spec.cpuThreads() : 1);
    Device device = Devices.resolve(TaskDevices.forTask(spec.device()));
    String key =
        spec.checkpointDir() + "@" + device + "#" + spec.tokenizer().value() + "#" + spec.chatTemplate().label();
    return CACHE.get(key, k -> new LoadedPolicy(
        Qwen2Model.load(Path.of(spec.checkpointDir()), device),
        spec.tokenizer().open(),
        spec.chatTemplate()));
  }

  /** How many models this JVM has loaded: once per checkpoint, not once per partition. */
  static int loads() {
    return CACHE.loads();
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
  }
}
