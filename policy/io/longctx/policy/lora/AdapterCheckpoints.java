package io.longctx.policy.lora;

import ai.djl.Device;
import io.longctx.policy.model.Qwen2Model;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Policy checkpoints that may be LoRA adapters: a directory is either a full Hugging Face model
 * ({@code config.json} + safetensors) or a PEFT adapter ({@code adapter_config.json} +
 * {@code adapter_model.safetensors}) whose {@code base_model_name_or_path} names a full model directory.
 */
public final class AdapterCheckpoints {
  /** PEFT's adapter config file name. */
  public static final String CONFIG_FILE = PeftFormat.CONFIG_FILE;
  /** PEFT's adapter weights file name. */
  public static final String WEIGHTS_FILE = PeftFormat.WEIGHTS_FILE;

  private AdapterCheckpoints() {}

  /** Whether {@code dir} holds a PEFT adapter ({@code adapter_config.json}) rather than a full model. */
  public static boolean isAdapter(Path dir) {
    return Files.isRegularFile(dir.resolve(CONFIG_FILE));
  }

  /**
   * The full model directory under {@code dir}: its {@code base_model_name_or_path} for an adapter (a relative path
   * is taken from the working directory, as PEFT does), else {@code dir} itself.
   */
  public static Path base(Path dir) {
    if (!isAdapter(dir)) {
      return dir;
    }
    String name = PeftFormat.readConfig(dir).path("base_model_name_or_path").asText("");
    Path base = name.isEmpty() ? null : Path.of(name);
    if (base == null || !Files.isRegularFile(base.resolve("config.json"))) {
      throw LoraErrors.missingBase(dir, name);
    }
    return base;
  }

  /**
   * The model of a checkpoint directory, ready for inference: a full model, or an adapter's base model with the
   * adapter attached (unmerged; closed with the model).
   */
  public static Qwen2Model load(Path dir, Device device) {
    Qwen2Model model = Qwen2Model.load(base(dir), device);
    if (isAdapter(dir)) {
      try {
        loadAdapter(dir, model).attachTo(model);
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    }
    return model;
  }

  /**
   * The model of a checkpoint directory with any adapter merged into its weights ({@code W + scaling B A}, as
   * PEFT's {@code merge_and_unload}): a plain model that no longer needs the adapter, e.g. for export or for
   * training every weight.
   */
  public static Qwen2Model loadMerged(Path dir, Device device) {
    Qwen2Model model = Qwen2Model.load(base(dir), device);
    if (isAdapter(dir)) {
      try (LoraAdapter adapter = loadAdapter(dir, model)) {
        adapter.mergeInto(model.parameters());
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    }
    return model;
  }

  /**
   * The adapter saved in {@code dir}, checked against {@code base}'s shapes; it is not attached. Its tensors live in
   * a sub-manager of the base model's manager.
   */
  public static LoraAdapter loadAdapter(Path dir, Qwen2Model base) {
    return PeftFormat.read(dir, base);
  }

  /**
   * The adapter in {@code dir}, to continue training with settings {@code lora}: its rank, alpha and target modules
   * must be the configured ones (an error names the first that differs); the dropout becomes {@code lora}'s.
   */
  public static LoraAdapter loadForTraining(Path dir, Qwen2Model base, LoraConfig lora) {
    LoraAdapter saved = loadAdapter(dir, base);
    LoraConfig has = saved.config();
    RuntimeException mismatch = has.rank() != lora.rank()
        ? LoraErrors.configMismatch(dir, "rank", has.rank(), lora.rank())
        : has.alpha() != lora.alpha() ? LoraErrors.configMismatch(dir, "alpha", has.alpha(), lora.alpha())
        : !has.targets().equals(lora.targets())
            ? LoraErrors.configMismatch(dir, "target-modules", has.targetModules(), lora.targetModules())
        : null;
    if (mismatch != null) {
      saved.close();
      throw mismatch;
    }
    saved.setDropout(lora.dropout());
    return saved;
  }
}
