package io.longctx.transforms.rollout;

import ai.djl.Device;
import io.longctx.policy.model.Devices;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.tokenizer.ChatTemplate;
import io.longctx.policy.tokenizer.Tokenizer;
import java.nio.file.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * A policy loaded on an executor: the model (on the task's GPU or the CPU), its tokenizer and chat template.
 * One is cached per executor JVM ({@link #forSpec}) and replaced when the checkpoint changes.
 */
final class LoadedPolicy implements AutoCloseable {
  private static final ExecutorCache<LoadedPolicy> CACHE = new ExecutorCache<>();

  final Qwen2Model model;
  final Tokenizer tokenizer;
  final ChatTemplate template;

  private LoadedPolicy(Qwen2Model model, Tokenizer tokenizer, ChatTemplate template) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.template = template;
  }

  /** The cached policy for {@code spec}'s checkpoint, loading it on first use in this JVM. */
  static LoadedPolicy forSpec(RolloutSpec spec) {
    Devices.setCpuThreads(spec.cpuThreads() > 0 ? spec.cpuThreads() : 1);
    Device device = Devices.resolve(deviceFor(spec.device()));
    String key = spec.checkpointDir() + "@" + device + "#" + spec.tokenizer().value() + "#" + spec.chatTemplate();
    return CACHE.get(key, k -> new LoadedPolicy(
        Qwen2Model.load(Path.of(spec.checkpointDir()), device),
        spec.tokenizer().open(),
        ChatTemplate.forName(spec.chatTemplate())));
  }

  /** How many models this JVM has loaded: once per checkpoint, not once per partition. */
  static int loads() {
    return CACHE.loads();
  }

  /**
   * The device to use: {@code auto} takes the GPU address Spark's resource scheduling assigned to the running
   * task ({@code spark.task.resource.gpu.amount}), else lets the policy pick (GPU 0 if any, else CPU).
   */
  static String deviceFor(String configured) {
    if (!"auto".equals(configured)) {
      return configured;
    }
    TaskContext tc = TaskContext.get();
    if (tc != null) {
      scala.Option<ResourceInformation> gpus = tc.resources().get("gpu");
      if (gpus.isDefined() && gpus.get().addresses().length > 0) {
        ResourceInformation gpu = gpus.get();
        return gpu.addresses()[0];
      }
    }
    return "auto";
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
  }
}
