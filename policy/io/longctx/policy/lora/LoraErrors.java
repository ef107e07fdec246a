package io.longctx.policy.lora;

import io.longctx.policy.PolicyException;
import java.nio.file.Path;

/** The LoRA area's error factory: each message names the adapter directory or file, the key or tensor, and a fix. */
final class LoraErrors {
  private LoraErrors() {}

  static PolicyException badAdapterConfig(Path file, String key, String why) {
    return new PolicyException("Cannot load LoRA adapter config " + file + ": '" + key + "' " + why + ".");
  }

  static PolicyException unsupported(Path file, String key, Object value) {
    return new PolicyException("Cannot load LoRA adapter config " + file + ": '" + key + "' = " + value
        + " is not supported (plain LoRA on q/k/v/o/gate/up/down projections only). Merge the adapter with peft"
        + " (merge_and_unload) and load the merged model instead.");
  }

  static PolicyException missingBase(Path adapterDir, String base) {
    return new PolicyException("Cannot load LoRA adapter " + adapterDir + ": its base model '" + base
        + "' (adapter_config.json base_model_name_or_path) is not a local model directory. Put the base model there"
        + " or point base_model_name_or_path at a directory holding its config.json and safetensors.");
  }

  static PolicyException missingTensor(Path file, String tensor) {
    return new PolicyException("Cannot load LoRA adapter " + file + ": tensor '" + tensor + "' is missing, but"
        + " adapter_config.json targets that module. The weights and adapter_config.json do not belong together.");
  }

  static PolicyException unexpectedTensor(Path file, String tensor) {
    return new PolicyException("Cannot load LoRA adapter " + file + ": tensor '" + tensor + "' is not a lora_A/lora_B"
        + " weight of a targeted q/k/v/o/gate/up/down projection of the base model (layer count, target_modules?).");
  }

  static PolicyException shapeMismatch(Path file, String tensor, String expected, String found) {
    return new PolicyException("Cannot load LoRA adapter " + file + ": tensor '" + tensor + "' has shape " + found
        + " but the base model and rank imply " + expected + ". Is this adapter made for this base model?");
  }

  static PolicyException configMismatch(Path dir, String key, Object inCheckpoint, Object configured) {
    return new PolicyException("Cannot continue training the LoRA adapter in " + dir + ": it has " + key + " "
        + inCheckpoint + " but policy.lora." + key + " is " + configured + ". Set policy.lora to the adapter's"
        + " settings, or export it with 'longctx export --merge' and start from the merged model.");
  }
}
