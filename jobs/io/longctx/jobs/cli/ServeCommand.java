package io.longctx.jobs.cli;

import io.longctx.jobs.config.LongctxConfig;
import io.longctx.policy.PolicyConfig;
import io.longctx.policy.chat.ChatTemplates;
import io.longctx.policy.chat.CheckpointChatTemplate;
import io.longctx.policy.lora.AdapterCheckpoints;
import io.longctx.policy.model.Devices;
import io.longctx.policy.serve.PolicyServer;
import io.longctx.policy.serve.ServeOptions;
import io.longctx.policy.tokenizer.ChatFormat;
import io.longctx.policy.tokenizer.TokenizerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code longctx serve}: an OpenAI-compatible HTTP server over a checkpoint (see {@link PolicyServer}). Prints one
 * JSON line when it listens ({@code url}, {@code model}, {@code queue_size}, {@code row_budget}) and serves until
 * the process is stopped.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve a checkpoint over an OpenAI-compatible HTTP API: /v1/completions, /v1/chat/completions, /v1/models,",
      "/health, /v1/load_lora_adapter, /v1/unload_lora_adapter and /update_weights_from_disk. Requests with the same",
      "sampling settings decode together (continuous batching over the row budget); a full queue answers 503.",
      "Prints one JSON line (url, model, queue_size, row_budget) once listening; runs until stopped."
    })
public final class ServeCommand extends ConfiguredCommand {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", paramLabel = "DIR", required = true,
      description = "Hugging Face model directory, or a PEFT adapter directory over one.")
  Path model;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "8000", description = "Port; 0 picks a free one (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--served-model-name", paramLabel = "NAME",
      description = "The name clients send as 'model' (default: the --model argument as given, as vLLM does).")
  String servedModelName;

  @Option(names = "--tokenizer", paramLabel = "SPEC",
      description = "Tokenizer (default: the model directory's tokenizer.json, else the config's policy.tokenizer).")
  String tokenizer;

  @Option(names = "--chat-template", paramLabel = "NAME",
      description = "auto, plain, chatml, r1 or a named template of the checkpoint (default: the checkpoint's own"
          + " template when it has one, else the config's policy.chat-template).")
  String chatTemplate;

  @Option(names = "--device", description = "cpu, gpu, gpu:N or auto (default: the config's policy.device).")
  String device;

  @Option(names = "--queue-size", defaultValue = "64",
      description = "Requests admitted at once, waiting or running; more get 503 (default ${DEFAULT-VALUE}).")
  int queueSize;

  @Option(names = "--row-budget", defaultValue = "64",
      description = "Sequences decoded at once; also the largest n (default ${DEFAULT-VALUE}).")
  int rowBudget;

  @Option(names = "--max-prompt-tokens", defaultValue = "32768",
      description = "Longest prompt accepted (default ${DEFAULT-VALUE}).")
  int maxPromptTokens;

  @Option(names = "--max-new-tokens", defaultValue = "4096",
      description = "Largest max_tokens accepted (default ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(names = "--max-body-bytes", defaultValue = "8388608",
      description = "Largest request body (default ${DEFAULT-VALUE}).")
  int maxBodyBytes;

  @Option(names = "--batch-wait-ms", defaultValue = "2",
      description = "How long the engine waits for more requests to join a batch (default ${DEFAULT-VALUE}).")
  long batchWaitMs;

  @Option(names = "--api-key-env", paramLabel = "NAME",
      description = "Environment variable holding the API key; when set, requests need 'Authorization: Bearer KEY'.")
  String apiKeyEnv;

  @Override
  protected int run(LongctxConfig config) throws Exception {
    PolicyConfig policy = config.policy();
    Devices.setCpuThreads(policy.cpuThreads());
    if (!Files.isDirectory(model)) {
      throw new ParameterException(spec.commandLine(), "--model " + model + " is not a directory");
    }
    Path base = AdapterCheckpoints.base(model);
    String tok = tokenizer != null ? tokenizer
        : Files.isRegularFile(base.resolve("tokenizer.json")) ? base.toString() : policy.tokenizer();
    String setting = chatTemplate != null ? chatTemplate
        : CheckpointChatTemplate.existsIn(base) ? ChatTemplates.AUTO : policy.chatTemplate();
    ChatFormat format = ChatTemplates.resolve(setting, base.toString());
    String key = "";
    if (apiKeyEnv != null && !apiKeyEnv.isBlank()) {
      key = System.getenv(apiKeyEnv);
      if (key == null || key.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "--api-key-env " + apiKeyEnv + ": the variable is not set");
      }
    }
    ServeOptions options = new ServeOptions(model, servedModelName != null ? servedModelName : model.toString(),
        host, port, device != null ? device : policy.device(), new TokenizerSpec(tok), format, queueSize, rowBudget,
        maxPromptTokens, maxNewTokens, maxBodyBytes, batchWaitMs, key);
    PolicyServer server = PolicyServer.start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "longctx-serve-shutdown"));
    System.err.println("longctx serve: listening on " + server.url() + "/v1 (model " + options.servedModelName()
        + ", tokenizer " + tok + ", chat template " + format.label() + ", queue " + queueSize + ", row budget "
        + rowBudget + (key.isEmpty() ? "" : ", API key required") + ")");
    System.out.println(JsonLine.of("url", server.url(), "model", options.servedModelName(), "queue_size", queueSize,
        "row_budget", rowBudget));
    System.out.flush();
    stopped.await();
    return 0;
  }
}
