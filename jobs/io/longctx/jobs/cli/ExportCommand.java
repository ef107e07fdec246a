package io.longctx.jobs.cli;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.policy.lora.AdapterCheckpoints;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.tokenizer.TokenizerFiles;
import io.longctx.policy.tokenizer.TokenizerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code longctx export}: writes a checkpoint for other tools. A LoRA adapter checkpoint is written as a PEFT adapter
 * directory (without the optimizer state), or with {@code --merge} as a full Hugging Face model whose projection
 * weights are {@code W + (alpha / r) B A}; a full checkpoint is written as a Hugging Face model. The base model's
 * tokenizer files come along with a full model. Prints one JSON line.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Export a checkpoint directory for other tools (transformers, peft, vLLM).",
      "A LoRA adapter checkpoint (adapter_config.json) is written as a PEFT adapter directory, or with --merge as",
      "a full Hugging Face model with the adapter merged into its base (W + alpha/r * B @ A). A full checkpoint is",
      "written as a Hugging Face model. Prints one JSON line."
    })
public final class ExportCommand extends ConfiguredCommand {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", paramLabel = "DIR", required = true,
      description = "Checkpoint directory: a Hugging Face model or a LoRA adapter over one.")
  Path model;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory to write.")
  Path out;

  @Option(names = "--merge", description = "Merge a LoRA adapter into its base and write a full model.")
  boolean merge;

  @Option(names = "--dtype", defaultValue = "float32",
      description = "Tensor type of a full model: float32, bfloat16 or float16 (default ${DEFAULT-VALUE}).")
  String dtype;

  @Override
  protected int run(LongctxConfig config) throws Exception {
    DataType type = switch (dtype) {
      case "float32" -> DataType.FLOAT32;
      case "bfloat16" -> DataType.BFLOAT16;
      case "float16" -> DataType.FLOAT16;
      default -> throw new ParameterException(spec.commandLine(),
          "--dtype must be float32, bfloat16 or float16, got '" + dtype + "'");
    };
    boolean adapter = AdapterCheckpoints.isAdapter(model);
    if (!adapter && !Files.isRegularFile(model.resolve("config.json"))) {
      throw new ParameterException(spec.commandLine(), "--model " + model
          + " holds neither config.json (a Hugging Face model) nor adapter_config.json (a LoRA adapter)");
    }
    if (model.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
      throw new ParameterException(spec.commandLine(), "--out must differ from --model");
    }
    Files.createDirectories(out);
    if (adapter && !merge) {
      for (String f : new String[] {AdapterCheckpoints.CONFIG_FILE, AdapterCheckpoints.WEIGHTS_FILE}) {
        Files.copy(model.resolve(f), out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
      }
    } else {
      Path base = AdapterCheckpoints.base(model);
      try (Qwen2Model m = AdapterCheckpoints.loadMerged(model, Device.cpu())) {
        m.save(out, type);
      }
      if (Files.isRegularFile(base.resolve(TokenizerFiles.TOKENIZER_JSON))) {
        TokenizerFiles.writeInto(new TokenizerSpec(base.toString()), out);
      }
    }
    System.out.println(JsonLine.of("model", model.toAbsolutePath().toString(), "out", out.toAbsolutePath().toString(),
        "kind", adapter && !merge ? "peft-adapter" : "hf-model", "merged", adapter && merge,
        "base", adapter ? AdapterCheckpoints.base(model).toAbsolutePath().toString() : null, "dtype",
        adapter && !merge ? "float32" : dtype));
    return 0;
  }
}
