package io.longctx.policy;

import java.nio.file.Path;
import java.util.List;

/** The policy area's error factory: every message names the file/key/value, the reason, and a fix. */
public final class PolicyErrors {
  private PolicyErrors() {}

  public static PolicyException notAModelDirectory(Path dir) {
    return new PolicyException(
        "Cannot load model " + dir + ": no config.json there. Is this a Hugging Face model directory?");
  }

  public static PolicyException missingConfigKey(Path file, String key) {
    return new PolicyException(
        "Cannot load model config " + file + ": '" + key + "' is missing. Is this a Hugging Face Qwen2/Qwen3 config.json?");
  }

  public static PolicyException badConfigValue(Path file, String key, String why) {
    return new PolicyException("Cannot load model config " + file + ": '" + key + "' " + why + ".");
  }

  public static PolicyException unsupportedArchitecture(Path file, String found) {
    return new PolicyException(
        "Cannot load model config " + file + ": unsupported architecture/model_type " + found
            + "; only Qwen2ForCausalLM (model_type qwen2) and Qwen3ForCausalLM (model_type qwen3) checkpoints are"
            + " supported.");
  }

  public static PolicyException mixtureOfExperts(Path file, String architecture, int experts) {
    return new PolicyException(
        "Cannot load model config " + file + ": " + architecture + " is a mixture-of-experts model"
            + (experts > 0 ? " (" + experts + " experts)" : "") + "; only the dense Qwen2ForCausalLM and"
            + " Qwen3ForCausalLM architectures are supported. Use a dense checkpoint (e.g. Qwen3-8B instead of"
            + " Qwen3-30B-A3B).");
  }

  public static PolicyException unreadable(Path file, Exception cause) {
    return new PolicyException("Cannot read " + file + ": " + cause.getMessage(), cause);
  }

  public static PolicyException unwritable(Path file, Exception cause) {
    return new PolicyException("Cannot write " + file + ": " + cause.getMessage(), cause);
  }

  public static PolicyException badSafetensorsHeader(Path file, String why) {
    return new PolicyException(
        "Cannot read safetensors file " + file + ": " + why + ". Is the file complete and in safetensors format?");
  }

  public static PolicyException truncated(Path file, String tensor, long needed, long size) {
    return new PolicyException(
        "Cannot read tensor '" + tensor + "' from " + file + ": the file is truncated (needs " + needed
            + " bytes, has " + size + "). Re-copy or re-download the checkpoint.");
  }

  public static PolicyException unsupportedDtype(Path file, String tensor, String dtype, List<String> supported) {
    return new PolicyException(
        "Cannot read tensor '" + tensor + "' from " + file + ": dtype " + dtype + " is not supported; supported: "
            + supported + ". Convert the checkpoint to one of those.");
  }

  public static PolicyException missingTensor(Path source, String tensor) {
    return new PolicyException(
        "Cannot load model " + source + ": tensor '" + tensor
            + "' is missing. The checkpoint does not match its config.json (layer count, tied embeddings?).");
  }

  public static PolicyException shapeMismatch(Path source, String tensor, String expected, String found) {
    return new PolicyException(
        "Cannot load model " + source + ": tensor '" + tensor + "' has shape " + found + " but config.json implies "
            + expected + ". The weights and config.json come from different models.");
  }

  public static PolicyException unknownDevice(String device, String why) {
    return new PolicyException("Cannot use device '" + device + "': " + why
        + ". Use 'cpu', 'gpu', 'gpu:N', a bare GPU index 'N', or 'auto'.");
  }

  public static PolicyException badRequest(String what) {
    return new PolicyException("Invalid request: " + what + ".");
  }
}
